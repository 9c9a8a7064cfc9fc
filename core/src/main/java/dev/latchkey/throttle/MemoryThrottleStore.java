package dev.latchkey.throttle;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * {@link ThrottleStore} in this process's memory. Bounded: at most {@code maxKeys} keys (the least recently used go
 * first) and each key holds at most its rule's limit of timestamps, so a flood of attempts over many usernames and
 * addresses cannot grow it without end.
 */
public final class MemoryThrottleStore implements ThrottleStore {
    /** A key untouched this long is forgotten, growing delay included. */
    private static final Duration FORGET_AFTER = Duration.ofDays(1);

    private final Cache<String, Entry> entries;

    public MemoryThrottleStore(int maxKeys) {
        this.entries = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterAccess(FORGET_AFTER).build();
    }

    private static final class Entry {
        final ArrayDeque<Instant> failures = new ArrayDeque<>();
        Instant blockedUntil;
        int blocks;
    }

    @Override
    public Optional<Instant> blockedUntil(String key, Instant now) {
        var entry = entries.getIfPresent(key);
        if (entry == null) {
            return Optional.empty();
        }
        synchronized (entry) {
            return entry.blockedUntil != null && entry.blockedUntil.isAfter(now)
                    ? Optional.of(entry.blockedUntil) : Optional.empty();
        }
    }

    @Override
    public Optional<Instant> recordFailure(String key, Instant now, Rule rule, Duration maxBlock) {
        var entry = entries.get(key, k -> new Entry());
        synchronized (entry) {
            var windowStart = now.minus(rule.window());
            while (!entry.failures.isEmpty() && !entry.failures.peekFirst().isAfter(windowStart)) {
                entry.failures.removeFirst();
            }
            entry.failures.addLast(now);
            if (entry.failures.size() < rule.limit()) {
                return Optional.empty();
            }
            entry.failures.clear();
            var block = rule.window().multipliedBy(1L << Math.min(entry.blocks, 20));
            entry.blocks++;
            entry.blockedUntil = now.plus(block.compareTo(maxBlock) > 0 ? maxBlock : block);
            return Optional.of(entry.blockedUntil);
        }
    }

    @Override
    public void reset(String key) {
        entries.invalidate(key);
    }

    long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }
}
