package dev.latchkey.provider;

import java.time.Instant;
import java.util.List;

/**
 * What an authorization code stands for, sealed inside the code itself: who signed in, for which client, redirect
 * URI, PKCE challenge, nonce and scopes, and until when. Nothing of it is stored; the single-use store only records
 * that a code was used.
 *
 * @param sessionHash the browser session the sign-in is from (its end ends what this code issues, unless offline)
 * @param authTime    when the user last authenticated (the ID token's {@code auth_time})
 */
public record CodeGrant(
        String clientId,
        String redirectUri,
        String codeChallenge,
        String nonce,
        String scope,
        long userId,
        String sessionHash,
        Instant authTime,
        List<String> amr,
        Instant expires) {
    public CodeGrant {
        amr = List.copyOf(amr);
    }
}
