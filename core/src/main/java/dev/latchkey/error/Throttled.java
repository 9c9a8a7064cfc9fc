package dev.latchkey.error;

import java.time.Duration;

/** Too many failed attempts: HTTP 429 with {@code Retry-After}. Says nothing of whether the account exists. */
public final class Throttled extends LatchkeyException {
    private final Duration retryAfter;

    public Throttled(Duration retryAfter) {
        this(retryAfter, "too many failed sign-in attempts");
    }

    /** @param what what there were too many of ("too many requests") */
    public Throttled(Duration retryAfter, String what) {
        super("throttled", 429, what + "; try again in " + seconds(retryAfter) + " s");
        this.retryAfter = retryAfter;
    }

    /** Whole seconds, at least one, as {@code Retry-After} wants them. */
    public long retryAfterSeconds() {
        return seconds(retryAfter);
    }

    private static long seconds(Duration duration) {
        return Math.max(1, (duration.toMillis() + 999) / 1000);
    }
}
