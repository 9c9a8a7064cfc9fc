package dev.latchkey.social;

import java.net.URI;

/**
 * One social-login provider: where to send the browser, and how to turn the code it comes back with into an
 * identity. Whatever the provider answers, {@link #exchange} answers an identity or throws {@link ProviderFailure}
 * (502) or {@link SocialDenied} (401); nothing else escapes.
 */
public interface SocialProvider {
    String name();

    ProviderSettings settings();

    /** The provider's authorization endpoint with the request's parameters (PKCE S256 and, for OIDC, the nonce). */
    URI authorizationUri(String redirectUri, String state, String codeChallenge, String nonce);

    /** Exchanges the code and reads who signed in; {@code expectedNonce} null when the client sent none. */
    SocialIdentity exchange(String code, String redirectUri, String codeVerifier, String expectedNonce);

    /** New tokens for a refresh token (the refresh-token grant with this client's credentials). */
    ProviderTokens refresh(String refreshToken);
}
