package dev.latchkey.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The append-only audit trail. */
public interface AuditStore {
    void append(AuditEvent event);

    /** The user's most recent events of {@code kind}, newest first, at most {@code limit}. */
    List<AuditEvent> findRecentByUser(long userId, String kind, int limit);

    /** Events that match, newest first, with their ids. */
    List<AuditEntry> search(AuditQuery query);

    /**
     * Deletes events recorded more than {@code retention} before {@code now}, in short batches (the retention purge);
     * answers how many.
     */
    int deleteExpired(Instant now, Duration retention);
}
