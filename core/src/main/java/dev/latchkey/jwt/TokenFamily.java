package dev.latchkey.jwt;

import java.time.Instant;

/**
 * The refresh tokens and access tokens descended from one sign-in; its id is the {@code sid} claim of every access
 * token in it. Revoking the family ends them all at once.
 *
 * @param sessionHash the hash of the browser session that asked for the family, or null; its sign-out revokes it
 * @param expires     the absolute end: no refresh token of the family lives past it
 * @param revoked     when it was revoked, or null while it lives
 * @param amr         how the sign-in that made it was proven (RFC 8176), for every access token's {@code amr} claim
 * @param delegation  the client it was issued to through the provider, or null for latchkey's own
 */
public record TokenFamily(
        String id,
        long userId,
        String sessionHash,
        Instant created,
        Instant expires,
        Instant revoked,
        java.util.List<String> amr,
        Delegation delegation) {

    public TokenFamily {
        amr = amr == null ? java.util.List.of() : java.util.List.copyOf(amr);
    }

    public TokenFamily(
            String id,
            long userId,
            String sessionHash,
            Instant created,
            Instant expires,
            Instant revoked,
            java.util.List<String> amr) {
        this(id, userId, sessionHash, created, expires, revoked, amr, null);
    }

    public TokenFamily(String id, long userId, String sessionHash, Instant created, Instant expires, Instant revoked) {
        this(id, userId, sessionHash, created, expires, revoked, java.util.List.of(), null);
    }

    public boolean isLiveAt(Instant now) {
        return revoked == null && now.isBefore(expires);
    }
}
