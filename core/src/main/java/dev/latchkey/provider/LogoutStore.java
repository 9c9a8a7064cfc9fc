package dev.latchkey.provider;

import java.time.Instant;
import java.util.List;

/**
 * Which clients each browser session signed in to, and the back-channel logout notices owed to them when a session
 * ends, waiting in an outbox to be sent by the background sender.
 */
public interface LogoutStore {
    /** The session signed in to this client (again). */
    void signedIn(String sessionHash, String clientId, long userId, Instant now);

    /** Whether the session signed in to this client and has not ended since. */
    boolean isSignedIn(String sessionHash, String clientId);

    /** For each session, the clients it signed in to; the records are deleted (a session ends once). */
    List<SessionClient> takeForSessions(List<String> sessionHashes);

    /** A client a session signed in to. */
    record SessionClient(String sessionHash, String clientId, long userId) {}

    void enqueue(String clientId, String subject, String sid, Instant now);

    /** Notices due at {@code now}, oldest first, at most {@code limit}. */
    List<Notice> due(Instant now, int limit);

    /** A back-channel logout owed to a client. */
    record Notice(long id, String clientId, String subject, String sid, int attempts) {}

    void delete(long noticeId);

    /** Counts a failed attempt and sets when the next one is due. */
    void retryAt(long noticeId, int attempts, Instant next);
}
