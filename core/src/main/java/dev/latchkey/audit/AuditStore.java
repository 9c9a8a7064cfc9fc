package dev.latchkey.audit;

import java.time.Instant;
import java.util.List;

/** The append-only audit trail. */
public interface AuditStore {
    void append(AuditEvent event);

    /** The user's most recent events of {@code kind}, newest first. */
    List<AuditEvent> recentFor(long userId, String kind, int limit);

    /** Events that match, newest first, with their ids. */
    List<AuditEntry> search(AuditQuery query);

    /** Deletes events older than {@code before} in short batches (the retention purge); answers how many. */
    int deleteBefore(Instant before);
}
