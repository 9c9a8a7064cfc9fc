package dev.latchkey.auth;

import dev.latchkey.password.PasswordHashing;
import dev.latchkey.request.RequestContext;
import dev.latchkey.user.User;
import dev.latchkey.user.UserStore;
import dev.latchkey.user.Usernames;
import java.util.Optional;

/**
 * Django's {@code ModelBackend}: a username and password checked against the stored hash. An unknown username costs
 * one full hash, like a known one; a correct password under an old or weaker hash is re-hashed with the preferred
 * hasher on the spot. An inactive user is still answered: refusing them is the chain's job.
 */
public final class PasswordBackend implements AuthenticationBackend {
    private final UserStore users;
    private final PasswordHashing hashing;

    public PasswordBackend(UserStore users, PasswordHashing hashing) {
        this.users = users;
        this.hashing = hashing;
    }

    @Override
    public String name() {
        return "password";
    }

    @Override
    public Optional<User> authenticate(RequestContext request, Credentials credentials) {
        if (!(credentials instanceof Credentials.Password p)) {
            return Optional.empty();
        }
        var found = Usernames.tryNormalize(p.username()).flatMap(users::findCredentials);
        if (found.isEmpty()) {
            hashing.verifyNobody(p.password());
            return Optional.empty();
        }
        var stored = found.get();
        if (!hashing.verify(p.password(), stored.passwordHash())) {
            return Optional.empty();
        }
        if (hashing.mustUpdate(stored.passwordHash())) {
            users.updatePassword(stored.user().id(), hashing.hash(p.password()));
        }
        return Optional.of(stored.user());
    }
}
