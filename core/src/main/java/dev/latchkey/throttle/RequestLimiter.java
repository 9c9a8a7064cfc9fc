package dev.latchkey.throttle;

import dev.latchkey.error.Throttled;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Limits requests that cost latchkey something whatever their outcome — a mail sent, an account made — per client
 * address and per key (an email address): every request counts, and the one that reaches a rule's limit blocks for
 * the rule's window, doubled for each block that repeats. Unknown keys count like known ones, so a refusal tells
 * nothing about an account. On the same {@link ThrottleStore} as {@link SignInThrottle}, so nodes that share one
 * share these limits too.
 */
public final class RequestLimiter {
    private final ThrottleStore store;
    private final String name;
    private final Rule perAddress;
    private final Rule perKey;
    private final Duration maxBlock;
    private final Clock clock;
    private final Counter refused;

    /**
     * @param name what is limited ({@code password_reset}), the prefix of its keys in the store and a metric tag
     */
    public RequestLimiter(
            ThrottleStore store,
            String name,
            Rule perAddress,
            Rule perKey,
            Duration maxBlock,
            Clock clock,
            MeterRegistry meters) {
        this.store = store;
        this.name = name;
        this.perAddress = perAddress;
        this.perKey = perKey;
        this.maxBlock = maxBlock;
        this.clock = clock;
        this.refused = meters.counter("latchkey.requests.throttled", "request", name);
    }

    /**
     * Counts one request from {@code clientIp} about {@code key} (empty for none), or throws {@link Throttled} while
     * either budget is spent; a refused request counts for nothing.
     */
    public void take(String key, String clientIp) {
        var now = clock.instant();
        Optional<String> address = clientIp == null || clientIp.isEmpty()
                ? Optional.empty()
                : Optional.of(name + ":ip:" + SignInThrottle.network(clientIp));
        Optional<String> keyed = key == null || key.isEmpty() ? Optional.empty() : Optional.of(name + ":key:" + key);
        if (address.isPresent()) {
            refuseIf(store.reserve(address.get(), now, perAddress, maxBlock), now);
        }
        if (keyed.isPresent()) {
            var blocked = store.reserve(keyed.get(), now, perKey, maxBlock);
            if (blocked.isPresent()) {
                address.ifPresent(k -> store.release(k, now));
                refuseIf(blocked, now);
            }
        }
        address.ifPresent(k -> store.failed(k, now, now, perAddress, maxBlock));
        keyed.ifPresent(k -> store.failed(k, now, now, perKey, maxBlock));
    }

    /**
     * Counts one request as {@link #take} does, except that a spent budget of the key is not refused but answered
     * false — the caller then does nothing and answers as if it had — while a spent budget of the address still
     * throws {@link Throttled}: limiting a key (someone's email) must not become a way to block that someone.
     */
    public boolean allow(String key, String clientIp) {
        take("", clientIp);
        var now = clock.instant();
        var keyed = name + ":key:" + key;
        if (store.reserve(keyed, now, perKey, maxBlock).isPresent()) {
            refused.increment();
            return false;
        }
        store.failed(keyed, now, now, perKey, maxBlock);
        return true;
    }

    private void refuseIf(Optional<Instant> until, Instant now) {
        if (until.isPresent()) {
            refused.increment();
            throw new Throttled(Duration.between(now, until.get()), "too many requests");
        }
    }
}
