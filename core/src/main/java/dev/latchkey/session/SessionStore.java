package dev.latchkey.session;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where sessions live, keyed by the SHA-256 of their id. */
public interface SessionStore {

    /** The session, or empty when there is none or its row is unreadable (which is logged). */
    Optional<Session> findByIdHash(String idHash);

    void insert(Session session);

    /** Replaces data, user, last-seen and expiry of the session with that id hash. */
    void update(Session session);

    /** Writes only last-seen and expiry: the cheap write of {@link Sessions#find}. */
    void updateLastSeen(String idHash, Instant lastSeen, Instant expires);

    /** Atomically removes {@code old} (if present) and inserts {@code replacement}: id rotation at sign-in. */
    void replace(String oldIdHash, Session replacement);

    boolean delete(String idHash);

    /** Deletes the user's sessions but {@code keepIdHash} (may be null); answers the id hashes deleted. */
    List<String> deleteByUser(long userId, String keepIdHash);

    /** The user's sessions, expired or not, in no particular order. */
    List<Session> findByUser(long userId);

    /** Deletes at most {@code batch} sessions that expired before {@code now}; answers how many. */
    int deleteExpired(Instant now, int batch);

    /** How many signed-in sessions are live at {@code now}. */
    long countSignedIn(Instant now);
}
