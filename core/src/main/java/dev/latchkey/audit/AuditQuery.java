package dev.latchkey.audit;

import java.time.Instant;

/**
 * Which audit events to read, newest first: every filter is optional (null). {@code beforeId} is the paging
 * cursor: the id of the last event of the previous page.
 */
public record AuditQuery(Long userId, String kind, Instant since, Instant until, Long beforeId, int limit) {
    public static final int MAX_LIMIT = 500;

    public AuditQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT);
        }
    }
}
