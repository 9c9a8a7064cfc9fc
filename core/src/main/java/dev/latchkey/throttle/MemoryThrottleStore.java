package dev.latchkey.throttle;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * {@link ThrottleStore} in this process's memory; each key's operations are atomic under the key's own lock. Bounded:
 * at most {@code maxKeys} keys (the least recently used go first) and each key holds at most its rule's limit of
 * timestamps, so a flood of attempts over many usernames and
 * addresses cannot grow it without end.
 */
public final class MemoryThrottleStore implements ThrottleStore {
    /** A key untouched this long is forgotten, growing delay included. */
    private static final Duration FORGET_AFTER = Duration.ofDays(1);
    /** How long a client refused for a full budget of attempts in flight should wait: about one hash. */
    private static final Duration IN_FLIGHT_WAIT = Duration.ofSeconds(1);
    /** An attempt in flight longer than this lost its answer (a crash mid-request) and stops holding budget. */
    private static final Duration IN_FLIGHT_LIMIT = Duration.ofMinutes(1);

    private final Cache<String, Entry> entries;

    public MemoryThrottleStore(int maxKeys) {
        this.entries = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfterAccess(FORGET_AFTER)
                .build();
    }

    private static final class Entry {
        final ArrayDeque<Instant> failures = new ArrayDeque<>();
        /** Attempts granted and not yet told how they went, by when they were granted. */
        final ArrayDeque<Instant> inFlight = new ArrayDeque<>();

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
            prune(entry, now, rule);
            if (entry.failures.size() + entry.inFlight.size() >= rule.limit()) {
                // The budget is spoken for by attempts still being checked: wait for them, no block is started.
                return Optional.of(now.plus(IN_FLIGHT_WAIT));
            }
            entry.inFlight.addLast(now);
            return Optional.empty();
        }
    }

    @Override
    public Optional<Instant> failed(String key, Instant reservedAt, Instant now, Rule rule, Duration maxBlock) {
        var entry = entries.get(key, k -> new Entry());
        synchronized (entry) {
            entry.inFlight.removeFirstOccurrence(reservedAt);
            prune(entry, now, rule);
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
    public void release(String key, Instant reservedAt) {
        var entry = entries.getIfPresent(key);
        if (entry == null) {
            return;
        }
        synchronized (entry) {
            entry.inFlight.removeFirstOccurrence(reservedAt);
        }
    }

    /** Forgets failures out of the window, and attempts in flight so long that their answer was lost. */
    private static void prune(Entry entry, Instant now, Rule rule) {
        var windowStart = now.minus(rule.window());
        while (!entry.failures.isEmpty() && !entry.failures.peekFirst().isAfter(windowStart)) {
            entry.failures.removeFirst();
        }
        var lost = now.minus(IN_FLIGHT_LIMIT);
        while (!entry.inFlight.isEmpty() && !entry.inFlight.peekFirst().isAfter(lost)) {
            entry.inFlight.removeFirst();
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
