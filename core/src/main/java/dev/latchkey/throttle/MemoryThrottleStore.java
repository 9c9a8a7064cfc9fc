package dev.latchkey.throttle;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * {@link ThrottleStore} in this process's memory; each key's reservation is atomic under the key's own lock. Bounded:
 * at most {@code maxKeys} keys (the least recently used go first) and each key holds at most its rule's limit of
 * timestamps, so a flood of attempts over many usernames and
 * addresses cannot grow it without end.
 */
public final class MemoryThrottleStore implements ThrottleStore {
    /** A key untouched this long is forgotten, growing delay included. */
    private static final Duration FORGET_AFTER = Duration.ofDays(1);

    private final Cache<String, Entry> entries;

    public MemoryThrottleStore(int maxKeys) {
        this.entries = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfterAccess(FORGET_AFTER)
                .build();
    }

    private static final class Entry {
        final ArrayDeque<Instant> attempts = new ArrayDeque<>();
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
            return blocked(entry, now);
        }
    }

    @Override
    public Optional<Instant> reserve(String key, Instant now, Rule rule, Duration maxBlock) {
        var entry = entries.get(key, k -> new Entry());
        synchronized (entry) {
            var blocked = blocked(entry, now);
            if (blocked.isPresent()) {
                return blocked;
            }
            var windowStart = now.minus(rule.window());
            while (!entry.attempts.isEmpty() && !entry.attempts.peekFirst().isAfter(windowStart)) {
                entry.attempts.removeFirst();
            }
            entry.attempts.addLast(now);
            if (entry.attempts.size() >= rule.limit()) {
                entry.attempts.clear();
                var block = rule.window().multipliedBy(1L << Math.min(entry.blocks, 20));
                entry.blocks++;
                entry.blockedUntil = now.plus(block.compareTo(maxBlock) > 0 ? maxBlock : block);
            }
            return Optional.empty();
        }
    }

    @Override
    public void release(String key, Instant reservedAt) {
        var entry = entries.getIfPresent(key);
        if (entry == null) {
            return;
        }
        synchronized (entry) {
            entry.attempts.removeLastOccurrence(reservedAt);
        }
    }

    private static Optional<Instant> blocked(Entry entry, Instant now) {
        return entry.blockedUntil != null && entry.blockedUntil.isAfter(now)
                ? Optional.of(entry.blockedUntil)
                : Optional.empty();
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
