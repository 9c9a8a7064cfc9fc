package dev.latchkey.token;

import dev.latchkey.auth.AuthenticationBackend;
import dev.latchkey.auth.Credentials;
import dev.latchkey.request.RequestContext;
import dev.latchkey.user.User;
import dev.latchkey.user.UserCache;
import java.util.Optional;

/** DRF's {@code TokenAuthentication}: an API token names its user; an inactive user is refused by the chain. */
public final class TokenBackend implements AuthenticationBackend {
    private final ApiTokens tokens;
    private final UserCache users;

    public TokenBackend(ApiTokens tokens, UserCache users) {
        this.tokens = tokens;
        this.users = users;
    }

    @Override
    public String name() {
        return "api_token";
    }

    @Override
    public Optional<User> authenticate(RequestContext request, Credentials credentials) {
        if (!(credentials instanceof Credentials.ApiToken t)) {
            return Optional.empty();
        }
        return tokens.find(t.key()).flatMap(token -> users.find(token.userId()));
    }
}
