package dev.latchkey.mfa;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Each user's recovery codes, as SHA-256 hashes; a used one is marked so and never works again. */
public interface RecoveryCodeStore {

    /** How many of a user's codes are left, when they were made, when one was last used (null: never). */
    record Summary(int left, Instant created, Instant lastUsed) {}

    /** Replaces all the user's codes with these hashes, in one transaction. */
    void replace(long userId, List<String> hashes, Instant now);

    /** Uses the code with this hash, atomically: true for the one use of it, false for every other. */
    boolean use(long userId, String hash, Instant now);

    /** Empty when the user has no unused code. */
    Optional<Summary> summary(long userId);

    void deleteAll(long userId);
}
