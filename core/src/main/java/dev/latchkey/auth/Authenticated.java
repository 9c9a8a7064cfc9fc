package dev.latchkey.auth;

import dev.latchkey.user.User;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of a successful {@link Authenticator#authenticate}: who, proven by which backend, when, and how (the
 * RFC 8176 {@code amr} values: "pwd", "fed", "otp", "mfa", …; empty for a request credential such as a token).
 */
public record Authenticated(User user, String backend, Instant at, List<String> amr) {
    public Authenticated {
        amr = amr == null ? List.of() : List.copyOf(amr);
    }

    public Authenticated(User user, String backend, Instant at) {
        this(user, backend, at, List.of());
    }

    public Authenticated withAmr(List<String> methods) {
        return new Authenticated(user, backend, at, methods);
    }
}
