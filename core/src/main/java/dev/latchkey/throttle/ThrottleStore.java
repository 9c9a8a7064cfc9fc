package dev.latchkey.throttle;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Attempt counters by key. In memory on one node ({@link MemoryThrottleStore}); the interface is what a shared
 * backend implements so that several nodes count together. Every method is atomic for its key: however many
 * requests arrive at once, no more attempts are granted in a window than the rule allows.
 */
public interface ThrottleStore {

    /** Until when the key is blocked, if it is at {@code now}. */
    Optional<Instant> blockedUntil(String key, Instant now);

    /**
     * Takes one attempt from the key's budget under the rule, before the attempt is made: refused, answering until
     * when the key is blocked, while it is blocked; otherwise granted (empty) and counted at once, as a failure until
     * {@link #release} says otherwise. The attempt that reaches the rule's limit is granted and blocks the key for
     * the rule's window, doubled for every earlier block of the same key (growing delays, capped at {@code maxBlock}).
     */
    Optional<Instant> reserve(String key, Instant now, Rule rule, Duration maxBlock);

    /**
     * Gives back an attempt granted at {@code reservedAt} that did not fail (a sign-in that succeeded, or one that
     * never reached the password check) while it is still counted. An attempt that started a block is not given
     * back: the block stands, or giving back could wipe the failures before it (a success right after nine
     * failures, or a refusal elsewhere, would otherwise reset an address's budget).
     */
    void release(String key, Instant reservedAt);

    /** Forgets the key: its attempts, its block and its growing delay. */
    void reset(String key);
}
