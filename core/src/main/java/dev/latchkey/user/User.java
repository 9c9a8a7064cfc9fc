package dev.latchkey.user;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A user as Django's {@code auth.User} has it, without the password hash (see {@link UserCredentials}), so that no
 * user value can carry a hash into a log or a response by accident.
 *
 * @param lastLogin     null when the user never signed in
 * @param emailVerified the email is known to be the user's (a provider vouched for it, or an operator said so);
 *                      only then may a social identity with that email join this account
 * @param emailVerifiedAt when the email was shown to be the user's, or null when it was not
 * @param signedUp        the user made the account on the sign-up page or API (not an operator, an import or a
 *                        provider): only such accounts must verify their email before signing in, when that is
 *                        required
 */
public record User(
        long id,
        String username,
        String email,
        boolean active,
        boolean staff,
        boolean superuser,
        Instant dateJoined,
        Instant lastLogin,
        boolean emailVerified,
        Instant emailVerifiedAt,
        boolean signedUp) {

    public User {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(dateJoined, "dateJoined");
        email = email == null ? "" : email;
    }

    /** The user made an account without proving the email is theirs, and has not proved it since. */
    public boolean mustVerifyEmail() {
        return signedUp && !emailVerified && !email.isEmpty();
    }

    public Optional<Instant> lastLoginTime() {
        return Optional.ofNullable(lastLogin);
    }
}
