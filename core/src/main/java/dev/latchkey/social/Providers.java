package dev.latchkey.social;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.error.InvalidInput;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds providers from their settings. {@code oidc} takes any issuer; {@code google} is OIDC with its issuer
 * filled in; {@code kakao} is OIDC when its scopes include {@code openid} and its OAuth 2.0 user API otherwise;
 * {@code github}, {@code naver} and {@code facebook} are plain OAuth 2.0 with their profile APIs
 * ({@link OAuth2Provider}).
 */
public final class Providers {
    private static final Map<String, URI> KNOWN_ISSUERS = Map.of(
            "google", URI.create("https://accounts.google.com"),
            "kakao", URI.create("https://kauth.kakao.com"));

    private Providers() {}

    public static Map<String, SocialProvider> of(List<ProviderSettings> settings, ObjectMapper json, Clock clock) {
        var providers = new LinkedHashMap<String, SocialProvider>();
        for (var provider : settings) {
            var issuer = provider.issuer() != null ? provider.issuer() : KNOWN_ISSUERS.get(provider.type());
            var resolved = new ProviderSettings(
                    provider.name(),
                    provider.type(),
                    issuer,
                    provider.clientId(),
                    provider.clientSecret(),
                    provider.scopes(),
                    provider.redirectUris(),
                    provider.timeout(),
                    provider.endpoints(),
                    provider.keepTokens());
            switch (provider.type()) {
                case "kakao" ->
                    providers.put(
                            provider.name(),
                            provider.scopes().contains("openid")
                                    ? new OidcProvider(resolved, json, clock)
                                    : OAuth2Provider.kakao(resolved, json, clock));
                case "oidc", "google" -> {
                    if (issuer == null) {
                        throw new InvalidInput(
                                "invalid_setting",
                                "social." + provider.name() + ".issuer is required" + " for type oidc");
                    }
                    providers.put(provider.name(), new OidcProvider(resolved, json, clock));
                }
                case "github" -> providers.put(provider.name(), OAuth2Provider.github(resolved, json, clock));
                case "naver" -> providers.put(provider.name(), OAuth2Provider.naver(resolved, json, clock));
                case "facebook" -> providers.put(provider.name(), OAuth2Provider.facebook(resolved, json, clock));
                default ->
                    throw new InvalidInput(
                            "invalid_setting",
                            "social." + provider.name() + ".type "
                                    + provider.type()
                                    + " is not supported; supported: oidc, google, kakao, github, naver,"
                                    + " facebook");
            }
        }
        return providers;
    }
}
