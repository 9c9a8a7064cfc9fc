package dev.latchkey.auth;

import dev.latchkey.error.LatchkeyException;

/**
 * A sign-in refused. Whatever the {@link Reason}, the client sees the same 401 and the same words, so that nobody
 * learns which usernames exist or which accounts are disabled; the reason is for the audit trail.
 */
public final class AuthenticationDenied extends LatchkeyException {
    /** Why, for the audit trail only. */
    public enum Reason {
        INVALID_CREDENTIALS,
        INACTIVE,
        DENIED_BY_BACKEND
    }

    private final Reason reason;

    public AuthenticationDenied(Reason reason) {
        super("invalid_credentials", 401, "invalid username or password");
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
