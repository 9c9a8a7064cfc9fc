package dev.latchkey.singleuse;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.latchkey.crypto.Secrets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentMap;

/**
 * {@link SingleUseStore} in this process's memory: right for one node, and per node when several serve. Bounded at
 * {@code maxValues}; a value is kept until the end of its lifetime as {@code now} told it.
 */
public final class MemorySingleUseStore implements SingleUseStore {
    /** In real time, whatever the injected clock says: a bound on memory, not on what counts as used. */
    private static final Duration KEEP_AT_MOST = Duration.ofDays(1);

    private final ConcurrentMap<String, Instant> used;

    public MemorySingleUseStore(int maxValues) {
        this.used = Caffeine.newBuilder()
                .maximumSize(maxValues)
                .expireAfterWrite(KEEP_AT_MOST)
                .<String, Instant>build()
                .asMap();
    }

    @Override
    public boolean firstUse(String purpose, String value, Instant now, Duration lifetime) {
        var key = Secrets.sha256Hex(purpose + ' ' + value);
        var until = now.plus(lifetime);
        var first = new boolean[1];
        used.compute(key, (k, previous) -> {
            if (previous == null || !previous.isAfter(now)) {
                first[0] = true;
                return until;
            }
            return previous;
        });
        return first[0];
    }
}
