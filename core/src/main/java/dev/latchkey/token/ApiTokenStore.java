package dev.latchkey.token;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where API tokens live, found by the SHA-256 of their key. */
public interface ApiTokenStore {
    ApiToken insert(
            long userId,
            String name,
            String keyHash,
            String prefix,
            Instant created,
            Instant expires,
            ApiTokens.Origin createdBy);

    Optional<ApiToken> findByKeyHash(String keyHash);

    /** The user's tokens, newest first. */
    List<ApiToken> findByUser(long userId);

    /** True when the user had a token with that id. */
    boolean delete(long userId, long id);

    /** Deletes the user's tokens made by {@code createdBy}; answers how many. */
    int deleteCreatedBy(long userId, ApiTokens.Origin createdBy);

    void updateLastUsed(long id, Instant lastUsed);

    /** Deletes tokens that expired at or before {@code now}; answers how many. */
    int deleteExpired(Instant now);
}
