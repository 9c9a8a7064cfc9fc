package dev.latchkey.audit;

import java.util.List;

/** The append-only audit trail. */
public interface AuditStore {
    void append(AuditEvent event);

    /** The user's most recent events of {@code kind}, newest first. */
    List<AuditEvent> recentFor(long userId, String kind, int limit);
}
