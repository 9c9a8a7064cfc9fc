package dev.latchkey.session;

import java.time.Duration;

/**
 * Session lifetimes. {@code idleTimeout} (Django's SESSION_COOKIE_AGE, 14 days) ends a session nobody used for that
 * long; {@code absoluteTimeout} (30 days) ends every session that long after sign-in, however busy.
 * {@code touchInterval} bounds the writes for "last seen" to one per session per interval. {@code cacheTtl} is how
 * long a looked-up session is trusted without asking the database again: the upper bound on how late this process
 * notices a session ended by another process (a command, another node).
 */
public record SessionSettings(
        Duration idleTimeout,
        Duration absoluteTimeout,
        boolean expireAtBrowserClose,
        Duration touchInterval,
        Duration cacheTtl) {
    public static final SessionSettings DEFAULT = new SessionSettings(
            Duration.ofDays(14), Duration.ofDays(30), false, Duration.ofMinutes(1), Duration.ofSeconds(1));

    public SessionSettings {
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("session idle timeout must be positive");
        }
        if (absoluteTimeout.compareTo(idleTimeout) < 0) {
            throw new IllegalArgumentException("session absolute timeout must not be shorter than the idle timeout");
        }
        if (touchInterval.isNegative() || cacheTtl.isNegative()) {
            throw new IllegalArgumentException("session touch interval and cache ttl must not be negative");
        }
    }
}
