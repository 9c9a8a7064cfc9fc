package dev.latchkey.jwt;

import java.time.Instant;
import java.util.Objects;

/**
 * What makes a token family another app's: latchkey, as an OpenID Provider, issued it to {@code clientId} for
 * {@code scope} (space-separated), for a user who authenticated at {@code authTime}. Its refresh tokens are spent
 * only by that client, at the provider's token endpoint, and its access tokens are for that client, not for
 * latchkey's own API.
 */
public record Delegation(String clientId, String scope, Instant authTime) {
    public Delegation {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(authTime, "authTime");
    }
}
