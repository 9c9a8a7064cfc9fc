package dev.latchkey.token;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where API tokens live, found by the SHA-256 of their key. */
public interface ApiTokenStore {
    ApiToken insert(long userId, String name, String keyHash, String prefix, Instant created, Instant expires);

    Optional<ApiToken> findByKeyHash(String keyHash);

    /** The user's tokens, newest first. */
    List<ApiToken> findForUser(long userId);

    /** True when the user had a token with that id. */
    boolean delete(long userId, long id);

    void touch(long id, Instant lastUsed);

    int deleteExpired(Instant now);
}
