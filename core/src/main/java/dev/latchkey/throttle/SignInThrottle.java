package dev.latchkey.throttle;

import dev.latchkey.error.Throttled;
import dev.latchkey.user.Usernames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Slows password guessing on every sign-in path: checked before the password is hashed, so a throttled attempt
 * costs no hash and learns nothing, whether or not the account exists (unknown usernames are counted like known
 * ones).
 *
 * <p>Failures count per client address, and per (username, address) — so one attacking address cannot lock a real
 * user out: the user signs in from their own address. Only failures for one username from many addresses (a
 * distributed attack) tighten that username, to one failure per address per window. Each block that repeats lasts
 * twice as long as the one before.
 */
public final class SignInThrottle {
    private final ThrottleStore store;
    private final ThrottleSettings settings;
    private final Clock clock;
    private final Counter throttled;

    public SignInThrottle(ThrottleStore store, ThrottleSettings settings, Clock clock, MeterRegistry meters) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.throttled = meters.counter("latchkey.signin.throttled");
    }

    /** Throws {@link Throttled} while this username or this address is blocked. */
    public void check(String username, String clientIp) {
        var now = clock.instant();
        var until = later(ip(clientIp).flatMap(k -> store.blockedUntil(k, now)),
                store.blockedUntil(pair(username, clientIp), now));
        if (until.isPresent()) {
            throttled.increment();
            throw new Throttled(Duration.between(now, until.get()));
        }
    }

    /** Counts a failed attempt; true when it started a block (worth an audit line). */
    public boolean failed(String username, String clientIp) {
        var now = clock.instant();
        var underAttack = store.blockedUntil(account(username), now).isPresent();
        var ipBlock = ip(clientIp).flatMap(k -> store.recordFailure(k, now, settings.perIp(), settings.maxBlock()));
        var pairBlock = store.recordFailure(pair(username, clientIp), now,
                underAttack ? settings.tightened() : settings.perAccountAndIp(), settings.maxBlock());
        store.recordFailure(account(username), now, settings.perAccount(), settings.maxBlock());
        return ipBlock.isPresent() || pairBlock.isPresent();
    }

    /** A success clears the username's counter for this address (not the address's own). */
    public void succeeded(String username, String clientIp) {
        store.reset(pair(username, clientIp));
    }

    private static Optional<String> ip(String clientIp) {
        return clientIp == null || clientIp.isEmpty() ? Optional.empty() : Optional.of("ip:" + network(clientIp));
    }

    private static String pair(String username, String clientIp) {
        return "pair:" + network(clientIp) + "|" + name(username);
    }

    private static String account(String username) {
        return "account:" + name(username);
    }

    private static String name(String username) {
        return Usernames.tryNormalize(username).orElse(username);
    }

    /**
     * The address as counted: an IPv6 client is one /64, since anyone holding one address holds the whole /64.
     * Only literal addresses are parsed, never looked up.
     */
    static String network(String clientIp) {
        if (clientIp == null || clientIp.indexOf(':') < 0) {
            return clientIp == null ? "" : clientIp;
        }
        try {
            var address = InetAddress.getByName(clientIp.startsWith("[") ? clientIp : "[" + clientIp + "]");
            if (address instanceof Inet6Address) {
                var bytes = address.getAddress();
                var prefix = new StringBuilder();
                for (int i = 0; i < 8; i += 2) {
                    prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
                }
                return prefix.append(":/64").toString();
            }
            return address.getHostAddress();
        } catch (UnknownHostException e) {
            return clientIp;
        }
    }

    private static Optional<Instant> later(Optional<Instant> a, Optional<Instant> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return a.get().isAfter(b.get()) ? a : b;
    }
}
