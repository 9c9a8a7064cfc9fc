package dev.latchkey.provider;

import dev.latchkey.error.LatchkeyException;

/**
 * An authorization error that goes back to the client: its redirect URI is registered, so the error is sent there
 * ({@code error}, {@code error_description}, {@code state}, {@code iss}) in the request's response mode.
 */
public final class RedirectableError extends LatchkeyException {
    private final String redirectUri;
    private final String state;
    private final ResponseMode mode;

    public RedirectableError(OAuthError error, String redirectUri, String state, ResponseMode mode) {
        super(error.code(), 302, error.detail());
        this.redirectUri = redirectUri;
        this.state = state;
        this.mode = mode;
    }

    public String redirectUri() {
        return redirectUri;
    }

    /** The request's {@code state}, to be echoed verbatim, or null. */
    public String state() {
        return state;
    }

    public ResponseMode mode() {
        return mode;
    }
}
