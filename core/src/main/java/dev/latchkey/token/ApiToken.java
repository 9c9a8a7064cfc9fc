package dev.latchkey.token;

import java.time.Instant;
import java.util.Objects;

/**
 * An API token as its owner may see it: never the key, only its first characters ({@code prefix}) to tell tokens
 * apart.
 *
 * @param expires  null for a token that does not expire
 * @param lastUsed  null when never used; kept to the minute
 * @param createdBy who made it: a user for themselves (revoked when their password changes) or an operator
 */
public record ApiToken(
        long id,
        long userId,
        String name,
        String prefix,
        Instant created,
        Instant expires,
        Instant lastUsed,
        ApiTokens.Origin createdBy) {
    public ApiToken {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(created, "created");
    }

    public boolean isExpiredAt(Instant now) {
        return expires != null && !now.isBefore(expires);
    }
}
