package dev.latchkey.throttle;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Attempt counters by key: failures in a window, attempts in flight, blocks. In memory on one node ({@link MemoryThrottleStore}); the interface is what a shared
 * backend implements so that several nodes count together. Every method is atomic for its key: however many
 * requests arrive at once, no more attempts are granted in a window than the rule allows.
 */
public interface ThrottleStore {

    /** Until when the key is blocked, if it is at {@code now}. */
    Optional<Instant> blockedUntil(String key, Instant now);

    /**
     * Grants one attempt under the rule before it is made, atomically: refused, answering until when to wait, while
     * the key is blocked or while its failures in the window and its attempts still in flight together reach the
     * rule's limit — so however many arrive at once, no more are checked than the rule allows. A refusal for
     * attempts in flight starts no block.
     */
    Optional<Instant> reserve(String key, Instant now, Rule rule, Duration maxBlock);

    /**
     * The attempt granted at {@code reservedAt} failed: it counts as a failure, and the failure that reaches the
     * rule's limit blocks the key for the rule's window, doubled for every earlier block of the same key (growing
     * delays, capped at {@code maxBlock}). Answers until when the key is now blocked, if it is.
     */
    Optional<Instant> failed(String key, Instant reservedAt, Instant now, Rule rule, Duration maxBlock);

    /**
     * The attempt granted at {@code reservedAt} did not fail (it succeeded, or nothing was checked): it stops
     * holding budget and counts for nothing.
     */
    void release(String key, Instant reservedAt);

    /** Forgets the key: its attempts, its block and its growing delay. */
    void reset(String key);
}
