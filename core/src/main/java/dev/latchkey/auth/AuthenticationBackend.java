package dev.latchkey.auth;

import dev.latchkey.request.RequestContext;
import dev.latchkey.user.User;
import java.util.List;
import java.util.Optional;

/**
 * One way of proving who someone is (Django's authentication backend).
 *
 * <p>{@link #authenticate} answers the user, or {@code Optional.empty()} for "not mine" (wrong kind of credentials,
 * unknown user or wrong password: the chain goes on), or throws {@link AuthenticationDenied} for a definitive "no"
 * that stops the chain. Nothing else is thrown on purpose; the {@link Authenticator} contains whatever is.
 */
public interface AuthenticationBackend {
    String name();

    Optional<User> authenticate(RequestContext request, Credentials credentials);

    /**
     * As {@link #authenticate}, with how the user proved it (RFC 8176 {@code amr}). The credentials' own {@link
     * Credentials#amr()} unless a backend learns more while it checks them (a passkey: whether its key is
     * device-bound or synced, and whether the user was verified).
     */
    default Optional<Proof> prove(RequestContext request, Credentials credentials) {
        return authenticate(request, credentials).map(user -> new Proof(user, credentials.amr()));
    }

    /** A user a backend accepted, and the {@code amr} values of the proof. */
    record Proof(User user, List<String> amr) {
        public Proof {
            amr = List.copyOf(amr);
        }
    }
}
