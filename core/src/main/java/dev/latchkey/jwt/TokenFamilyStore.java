package dev.latchkey.jwt;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where token families and the hashes of their refresh tokens live. */
public interface TokenFamilyStore {

    /**
     * Stores a new family with its first refresh token; false, storing nothing, when a family with its id exists
     * already (one {@link #forbid} made first).
     */
    boolean insert(TokenFamily family, String firstTokenHash, Instant tokenExpires);

    Optional<StoredRefreshToken> findRefreshByHash(String tokenHash);

    Optional<TokenFamily> findFamily(String familyId);

    /**
     * Makes sure the family with this id is revoked: revokes it if it is live, and if it does not exist yet, stores it
     * revoked, so that a later {@link #insert} of that id fails. True when this call ended a live family.
     */
    boolean forbid(TokenFamily family, Instant now, String reason);

    /** The live families issued to this client (all users), or to this client for one user; answers their ids. */
    List<String> revokeForClient(String clientId, Long userId, Instant now, String reason);

    /**
     * Spends {@code tokenHash} and stores its successor, atomically: true for the one caller that found it unspent
     * in a live family, false for every other (it was spent meanwhile, or the family was revoked).
     */
    boolean exchange(String tokenHash, String familyId, Instant now, String nextHash, Instant nextExpires);

    /** Revokes the family if it is not yet revoked; true when this call did it. */
    boolean revoke(String familyId, Instant now, String reason);

    /** Revokes the user's live families; answers their ids. */
    List<String> revokeForUser(long userId, Instant now, String reason);

    /** Revokes the live families started from these sessions; answers their ids. */
    List<String> revokeForSessions(List<String> sessionHashes, Instant now, String reason);

    /** Families revoked at or after {@code since}, with their revocation time. */
    List<TokenFamily> findRevokedSince(Instant since);

    /**
     * Deletes families that ended (expired, or revoked) more than {@code remembered} before {@code now}, their tokens,
     * and refresh tokens that expired that long ago; answers how many rows went.
     */
    int deleteExpired(Instant now, Duration remembered);
}
