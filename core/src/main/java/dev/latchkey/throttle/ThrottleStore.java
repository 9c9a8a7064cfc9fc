package dev.latchkey.throttle;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Failure counters by key. In memory on one node ({@link MemoryThrottleStore}); the interface is what a shared
 * backend (Redis) implements so that several nodes count together.
 */
public interface ThrottleStore {

    /** Until when the key is blocked, if it is at {@code now}. */
    Optional<Instant> blockedUntil(String key, Instant now);

    /**
     * Counts a failure under the rule. When it reaches the limit, the key is blocked for the rule's window, doubled
     * for every earlier block of the same key (growing delays, capped at {@code maxBlock}); answers until when, or
     * empty when the key is not blocked.
     */
    Optional<Instant> recordFailure(String key, Instant now, Rule rule, Duration maxBlock);

    /** Forgets the key: its failures, its block and its growing delay. */
    void reset(String key);
}
