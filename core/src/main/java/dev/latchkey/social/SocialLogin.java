package dev.latchkey.social;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Social login as configured: the providers by name, which user each identity is ({@link SocialAccounts}), and the
 * providers' tokens kept for their users ({@link ProviderTokenVault}). Sign-ins themselves go through
 * {@link dev.latchkey.auth.SignIn}, each provider being a {@link SocialBackend} in the chain.
 */
public final class SocialLogin {
    private final Map<String, SocialProvider> providers;
    private final SocialAccounts accounts;
    private final ProviderTokenVault tokens;

    public SocialLogin(Map<String, SocialProvider> providers, SocialAccounts accounts, ProviderTokenVault tokens) {
        this.providers = Map.copyOf(providers);
        this.accounts = accounts;
        this.tokens = tokens;
    }

    /** The provider configured under this name; empty for any other name, null included. */
    public Optional<SocialProvider> provider(String name) {
        return Optional.ofNullable(name == null ? null : providers.get(name));
    }

    /** The configured providers' names, sorted. */
    public List<String> providerNames() {
        return providers.keySet().stream().sorted().toList();
    }

    public SocialAccounts accounts() {
        return accounts;
    }

    public ProviderTokenVault tokens() {
        return tokens;
    }
}
