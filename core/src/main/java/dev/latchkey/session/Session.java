package dev.latchkey.session;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A server-side session. Its id is never kept: {@code idHash} is the SHA-256 of the id the browser holds.
 *
 * @param userId    the signed-in user, or null for an anonymous session
 * @param data      small JSON-compatible values (strings, numbers, booleans, lists and maps of them)
 * @param created   when this id was issued; the absolute timeout counts from here
 * @param lastSeen  when a request last used it, to the minute (see {@link Sessions#find})
 * @param expires   when it ends unless used again: the idle timeout after {@code lastSeen}, never past the
 *                  absolute timeout after {@code created}
 */
public record Session(
        String idHash,
        Long userId,
        Map<String, Object> data,
        Instant created,
        Instant lastSeen,
        Instant expires,
        String userAgent,
        String clientIp) {

    public Session {
        Objects.requireNonNull(idHash, "idHash");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(lastSeen, "lastSeen");
        Objects.requireNonNull(expires, "expires");
        data = data == null ? Map.of() : Map.copyOf(data);
        userAgent = userAgent == null ? "" : userAgent;
        clientIp = clientIp == null ? "" : clientIp;
    }

    public boolean isExpiredAt(Instant now) {
        return !now.isBefore(expires);
    }

    public Session withData(Map<String, Object> newData) {
        return new Session(idHash, userId, newData, created, lastSeen, expires, userAgent, clientIp);
    }

    Session seenAt(Instant now, Instant newExpiry) {
        return new Session(idHash, userId, data, created, now, newExpiry, userAgent, clientIp);
    }
}
