package dev.latchkey.jwt;

import dev.latchkey.auth.AuthenticationBackend;
import dev.latchkey.auth.Credentials;
import dev.latchkey.request.RequestContext;
import dev.latchkey.user.User;
import dev.latchkey.user.UserCache;
import java.util.Optional;

/**
 * simplejwt's {@code JWTAuthentication}: a valid access token of a live family names its user; an inactive user is
 * refused by the chain.
 */
public final class JwtBackend implements AuthenticationBackend {
    private final TokenFamilies tokens;
    private final UserCache users;

    public JwtBackend(TokenFamilies tokens, UserCache users) {
        this.tokens = tokens;
        this.users = users;
    }

    @Override
    public String name() {
        return "jwt";
    }

    @Override
    public Optional<User> authenticate(RequestContext request, Credentials credentials) {
        if (!(credentials instanceof Credentials.AccessJwt jwt)) {
            return Optional.empty();
        }
        try {
            return users.find(tokens.verify(jwt.token()).userId());
        } catch (InvalidAccessToken e) {
            return Optional.empty();
        }
    }
}
