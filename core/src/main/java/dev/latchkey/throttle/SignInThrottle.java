package dev.latchkey.throttle;

import dev.latchkey.error.Throttled;
import dev.latchkey.net.IpAddress;
import dev.latchkey.user.Usernames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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

    /**
     * Takes one attempt from the budgets of this address and this (username, address) before the password is
     * checked — atomically, so that a hundred guesses sent at once get no more hashes than the rule allows — or
     * throws {@link Throttled} while either is blocked or its budget is held by attempts in flight (nothing is then
     * counted or hashed). The attempt is then told how it went: only a failure counts and blocks, so a burst of
     * correct sign-ins from one address (an office behind one NAT) never blocks it.
     */
    public Attempt attempt(String username, String clientIp) {
        var now = clock.instant();
        var ipKey = ip(clientIp);
        var pairKey = pair(username, clientIp);
        var accountKey = account(username);
        var underAttack = store.blockedUntil(accountKey, now).isPresent();
        // Refused without reserving anything while either is blocked, so nothing needs giving back.
        refuseIfBlocked(later(ipKey.flatMap(k -> store.blockedUntil(k, now)), store.blockedUntil(pairKey, now)), now);
        if (ipKey.isPresent()) {
            refuseIfBlocked(store.reserve(ipKey.get(), now, settings.perIp(), settings.maxBlock()), now);
        }
        var pairRule = underAttack ? settings.tightened() : settings.perAccountAndIp();
        var pairBlocked = store.reserve(pairKey, now, pairRule, settings.maxBlock());
        if (pairBlocked.isPresent()) {
            ipKey.ifPresent(k -> store.release(k, now));
            refuseIfBlocked(pairBlocked, now);
        }
        // Counted for the distributed-attack rule; a block there tightens the pair rule, it refuses nothing itself.
        var unused = store.reserve(accountKey, now, settings.perAccount(), settings.maxBlock());
        return new Attempt(ipKey, pairKey, pairRule, accountKey, now);
    }

    /**
     * Takes one attempt from this address's budget only: for a provider's code, which names no username here but
     * costs a call to the provider, so that one address cannot make latchkey spend its client credentials at will.
     */
    public Attempt attemptFromAddress(String clientIp) {
        var now = clock.instant();
        var ipKey = ip(clientIp);
        if (ipKey.isPresent()) {
            refuseIfBlocked(store.reserve(ipKey.get(), now, settings.perIp(), settings.maxBlock()), now);
        }
        return new Attempt(ipKey, null, null, null, now);
    }

    private void refuseIfBlocked(Optional<Instant> until, Instant now) {
        if (until.isPresent()) {
            throttled.increment();
            throw new Throttled(Duration.between(now, until.get()));
        }
    }

    /** One granted attempt; it holds budget until it is told how it went. */
    public final class Attempt {
        private final Optional<String> ipKey;
        private final String pairKey;
        private final Rule pairRule;
        private final String accountKey;
        private final Instant at;

        private Attempt(Optional<String> ipKey, String pairKey, Rule pairRule, String accountKey, Instant at) {
            this.ipKey = ipKey;
            this.pairKey = pairKey;
            this.pairRule = pairRule;
            this.accountKey = accountKey;
            this.at = at;
        }

        /** A wrong credential, or a failure nobody expected: it counts, and may start a block. */
        public void failed() {
            var now = clock.instant();
            ipKey.ifPresent(k -> store.failed(k, at, now, settings.perIp(), settings.maxBlock()));
            if (pairKey != null) {
                store.failed(pairKey, at, now, pairRule, settings.maxBlock());
                store.failed(accountKey, at, now, settings.perAccount(), settings.maxBlock());
            }
        }

        /** The credential was right: this username's counter for this address is cleared, the rest given back. */
        public void succeeded() {
            if (pairKey != null) {
                store.reset(pairKey);
            }
            notAGuess();
        }

        /** Nothing was checked (the hasher was saturated): the attempt counts for nothing. */
        public void notAGuess() {
            ipKey.ifPresent(k -> store.release(k, at));
            if (pairKey != null) {
                store.release(pairKey, at);
                store.release(accountKey, at);
            }
        }
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

    /** The address as counted: an IPv6 client is one /64 ({@link IpAddress#network}); never looked up. */
    public static String network(String clientIp) {
        return IpAddress.network(clientIp);
    }

    private static Optional<Instant> later(Optional<Instant> a, Optional<Instant> b) {
        if (a.isEmpty() || (b.isPresent() && b.get().isAfter(a.get()))) {
            return b;
        }
        return a;
    }
}
