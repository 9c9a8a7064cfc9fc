package dev.latchkey.server.web.caller;

import dev.latchkey.error.LatchkeyException;

/**
 * A token was presented and is no good (RFC 6750 §3.1): 401 with {@code WWW-Authenticate: <scheme>
 * error="invalid_token"} naming the scheme the client used. The detail never says which check failed.
 */
public final class InvalidToken extends LatchkeyException {
    private final String scheme;

    public InvalidToken(String scheme, String detail) {
        super("invalid_token", 401, detail);
        this.scheme = scheme;
    }

    public String challenge() {
        return scheme + " realm=\"latchkey\", error=\"invalid_token\"";
    }
}
