package dev.latchkey.social;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One configured provider ({@code [social.NAME]}).
 *
 * @param redirectUris the redirect URIs an app may name in the code-exchange API; the browser flow uses this
 *                     server's own callback
 * @param timeout      connect and read timeout of every call to the provider
 * @param endpoints    overrides of a provider's endpoints ({@code authorization_endpoint}, {@code token_endpoint},
 *                     {@code profile_endpoint}, {@code emails_endpoint})
 * @param keepTokens   keep the provider's tokens (sealed) for code that calls the provider later
 * @param linkByEmail  a new identity whose email the provider vouches for may join the one non-staff account whose
 *                     own email is verified and the same; false: it never joins an existing account by itself
 */
public record ProviderSettings(
        String name,
        String type,
        URI issuer,
        String clientId,
        String clientSecret,
        List<String> scopes,
        List<String> redirectUris,
        Duration timeout,
        Map<String, URI> endpoints,
        boolean keepTokens,
        boolean linkByEmail) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    public ProviderSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(clientId, "clientId");
        scopes = List.copyOf(scopes);
        redirectUris = List.copyOf(redirectUris);
        endpoints = Map.copyOf(endpoints);
    }

    /** Linking by email on (the default). */
    public ProviderSettings(
            String name,
            String type,
            URI issuer,
            String clientId,
            String clientSecret,
            List<String> scopes,
            List<String> redirectUris,
            Duration timeout,
            Map<String, URI> endpoints,
            boolean keepTokens) {
        this(name, type, issuer, clientId, clientSecret, scopes, redirectUris, timeout, endpoints, keepTokens, true);
    }

    /** A provider's endpoint: the configured override ({@code token_endpoint = "..."}), else the default. */
    public URI endpoint(String key, String fallback) {
        return endpoints.getOrDefault(key, URI.create(fallback));
    }

    @Override
    public String toString() {
        return "ProviderSettings[name=" + name + ", type=" + type + ", issuer=" + issuer + ", clientId=" + clientId
                + ", clientSecret=<redacted>]";
    }
}
