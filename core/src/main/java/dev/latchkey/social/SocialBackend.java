package dev.latchkey.social;

import dev.latchkey.auth.AuthenticationBackend;
import dev.latchkey.auth.Credentials;
import dev.latchkey.request.RequestContext;
import dev.latchkey.user.User;
import java.util.Optional;

/**
 * A social-login provider as a backend in the chain: it takes the {@link Credentials.SocialCode} addressed to its
 * provider, exchanges the code and answers the user the identity belongs to (found, linked or created). Whatever the
 * provider does, the {@link dev.latchkey.auth.Authenticator} contains it: a later backend still gets its turn.
 */
public final class SocialBackend implements AuthenticationBackend {
    private final String name;
    private final SocialProvider provider;
    private final SocialAccounts accounts;

    public SocialBackend(String name, SocialProvider provider, SocialAccounts accounts) {
        this.name = name;
        this.provider = provider;
        this.accounts = accounts;
    }

    public static SocialBackend of(SocialProvider provider, SocialAccounts accounts) {
        return new SocialBackend("social:" + provider.name(), provider, accounts);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<User> authenticate(RequestContext request, Credentials credentials) {
        if (!(credentials instanceof Credentials.SocialCode code)
                || !code.provider().equals(provider.name())) {
            return Optional.empty();
        }
        var identity = provider.exchange(code.code(), code.redirectUri(), code.codeVerifier(), code.nonce());
        return Optional.of(accounts.userFor(identity, request));
    }
}
