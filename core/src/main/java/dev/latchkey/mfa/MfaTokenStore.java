package dev.latchkey.mfa;

import java.time.Instant;
import java.util.Optional;

/**
 * Sign-ins waiting for their second step, by the SHA-256 of their {@code mfa_token}: shared by every node through
 * the database, so the second step may reach another node than the first. Taking and counting attempts are single
 * statements, so parallel requests cannot get more than their share.
 */
public interface MfaTokenStore {

    /**
     * One sign-in waiting for its second step.
     *
     * @param intent    what the first call was for ({@link dev.latchkey.auth.Intent#answer()}), or "enrol"
     * @param details   the intent's details and the first factor's amr, as JSON
     * @param attempts  wrong proofs so far
     */
    record Pending(long userId, String clientIp, String intent, String details, int attempts, Instant expires) {}

    void insert(String tokenHash, Pending pending);

    Optional<Pending> find(String tokenHash);

    /** Counts one attempt while fewer than {@code max} were made and it has not expired; false otherwise. */
    boolean attempt(String tokenHash, int max, Instant now);

    /** Deletes it: true for the one caller that did, false for every other. */
    boolean take(String tokenHash);

    int deleteExpired(Instant now);
}
