package dev.latchkey.user;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where users live. Usernames are unique; every method is one short transaction. */
public interface UserStore {

    Optional<User> findById(long id);

    Optional<User> findByUsername(String username);

    /** Users whose email is this one, ignoring case (Django does not keep emails unique); at most {@code limit}. */
    List<User> findByEmail(String email, int limit);

    /** The user with the stored password hash, for the password backend. */
    Optional<UserCredentials> findCredentials(String username);

    /** Inserts and answers the stored user; {@link dev.latchkey.error.Conflict} when the username is taken. */
    User insert(NewUser user, String passwordHash, Instant dateJoined);

    /** True when a user had that id. */
    boolean updatePassword(long id, String passwordHash);

    boolean updateActive(long id, boolean active);

    /**
     * Records when the user's email was shown to be theirs, or with null that it is not known to be; true when a
     * user had that id.
     */
    boolean updateEmailVerified(long id, Instant verifiedAt);

    void updateLastLogin(long id, Instant at);

    /** Users ordered by id, after {@code afterId}, at most {@code limit}: every user, a page at a time. */
    List<User> findAll(long afterId, int limit);

    /**
     * Inserts or updates (matched by username) all of {@code users} in one transaction: either all are written or
     * none. Password hashes are stored exactly as given.
     */
    ImportResult upsertAll(List<ImportedUser> users);
}
