package dev.latchkey.mfa;

import java.time.Instant;
import java.util.Objects;

/**
 * One enrolled second factor, as {@code GET /api/mfa} lists it.
 *
 * @param method   the {@link SecondFactor#method()} it belongs to
 * @param id       a public id for removing it (never a secret)
 * @param label    what the user called it, or a default ("Authenticator app", "Recovery codes (7 left)")
 * @param created  when it was enabled
 * @param lastUsed when it last proved a sign-in, or null
 */
public record EnrolledFactor(String method, String id, String label, Instant created, Instant lastUsed) {
    public EnrolledFactor {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(created, "created");
    }
}
