package dev.latchkey.webauthn;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where passkeys, users' WebAuthn user handles and issued challenges live. Every method is one short statement;
 * {@link #takeChallenge} is atomic across every node that shares the database.
 */
public interface PasskeyStore {

    /** Inserts and answers the stored passkey; {@link dev.latchkey.error.Conflict} when its credential id exists. */
    Passkey insert(Passkey passkey);

    Optional<Passkey> findByCredentialId(String credentialId);

    /** The user's passkeys, oldest first. */
    List<Passkey> findByUser(long userId);

    /** After a verified assertion: the new counter, the backup state it reported, and when. */
    void updateUse(long id, long signCount, boolean backedUp, Instant at);

    /** True when the user had a passkey with that id. */
    boolean rename(long userId, long id, String name);

    /** True when the user had a passkey with that id. */
    boolean delete(long userId, long id);

    /** The user's handle, made from {@code fresh} when they have none yet (whoever writes first wins). */
    String handleOf(long userId, String fresh);

    /** Who holds this user handle. */
    Optional<Long> findUserByHandle(String handle);

    /** Remembers an issued challenge (by its hash) until {@code expires}. */
    void insertChallenge(String challengeHash, Instant expires);

    /** Takes an issued challenge: true once, for the first taker before it expires; false ever after. */
    boolean takeChallenge(String challengeHash, Instant now);

    /** Deletes the challenges that expired unused; answers how many went. */
    int deleteExpiredChallenges(Instant now);
}
