package dev.latchkey.auth;

import dev.latchkey.request.RequestContext;
import dev.latchkey.user.User;
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
}
