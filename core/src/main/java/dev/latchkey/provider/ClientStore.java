package dev.latchkey.provider;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where registered clients live. */
public interface ClientStore {
    void insert(Client client);

    Optional<Client> find(String id);

    /** Every client, oldest first. */
    List<Client> list();

    /** Replaces the secret's hash; false when there is no such client. */
    boolean updateSecret(String id, String secretHash, Instant now);

    /** Deletes the client with its consents and session records; false when there was none. */
    boolean delete(String id);
}
