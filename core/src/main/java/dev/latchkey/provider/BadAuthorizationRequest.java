package dev.latchkey.provider;

import dev.latchkey.error.LatchkeyException;

/**
 * An authorization request that cannot be answered by a redirect: the client is unknown, or the redirect URI is
 * missing, malformed or not registered. It is shown to the person as a 400 page; sending the browser anywhere would
 * make latchkey an open redirector (RFC 6749 §4.1.2.1).
 */
public final class BadAuthorizationRequest extends LatchkeyException {
    public BadAuthorizationRequest(String detail) {
        super("invalid_request", 400, detail);
    }
}
