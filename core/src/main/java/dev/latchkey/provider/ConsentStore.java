package dev.latchkey.provider;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where consents live: one per user and client, holding every scope the user has allowed it. */
public interface ConsentStore {
    Optional<Consent> find(long userId, String clientId);

    /** Stores or replaces the user's consent for the client. */
    void save(long userId, String clientId, Scopes scopes, Instant now);

    /** Withdraws it; false when there was none. */
    boolean delete(long userId, String clientId);

    /** The user's consents, most recent first. */
    List<Consent> forUser(long userId);
}
