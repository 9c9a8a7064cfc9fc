package dev.latchkey.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * One security event, as appended to the audit trail: what happened, to whom, from where. Never a secret: the
 * username is the one typed (it may name nobody), the reason is a fixed word.
 *
 * @param userId   the user concerned, or null when there is none (an unknown username)
 * @param username the username as presented, possibly empty
 * @param outcome  {@code success} or {@code failure}
 * @param reason   a fixed word for failures ({@code invalid_credentials}, {@code inactive}, ...), empty on success
 */
public record AuditEvent(
        Instant at,
        String kind,
        Long userId,
        String username,
        String outcome,
        String reason,
        String clientIp,
        String userAgent) {
    private static final int MAX_TEXT = 512;

    public AuditEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(kind, "kind");
        username = clip(username, 150);
        outcome = clip(outcome, 32);
        reason = clip(reason, 64);
        clientIp = clip(clientIp, 64);
        userAgent = clip(userAgent, MAX_TEXT);
    }

    private static String clip(String text, int max) {
        if (text == null) {
            return "";
        }
        // By code points, as PostgreSQL counts VARCHAR lengths, and never through the middle of a surrogate pair.
        if (text.length() <= max || text.codePointCount(0, text.length()) <= max) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, max));
    }
}
