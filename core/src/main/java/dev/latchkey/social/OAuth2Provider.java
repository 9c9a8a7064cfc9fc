package dev.latchkey.social;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A plain OAuth 2.0 provider (no ID token): the code is exchanged for an access token, and the profile API says
 * who signed in. One class for GitHub, Naver and Facebook; what differs is their endpoints and the shape of their
 * profile, which {@link Profile} reads. Whatever a profile API answers — missing, null, wrongly typed or extra
 * fields — the result is an identity or a {@link ProviderFailure}, never anything else.
 */
public final class OAuth2Provider implements SocialProvider {

    /** Reads an identity out of a provider's profile answer(s). */
    interface Profile {
        SocialIdentity read(String provider, JsonNode profile, Emails emails);
    }

    /** A second call some providers need for the email (GitHub's {@code /user/emails}). */
    interface Emails {
        JsonNode fetch();
    }

    private final ProviderSettings settings;
    private final ProviderHttp http;
    private final URI authorization;
    private final URI token;
    private final URI profileUri;
    private final URI emailsUri;
    private final Profile profile;
    private final Clock clock;

    private OAuth2Provider(
            ProviderSettings settings,
            ObjectMapper json,
            Clock clock,
            String authorization,
            String token,
            String profileUri,
            String emailsUri,
            Profile profile) {
        this.clock = clock;
        this.settings = settings;
        this.http = new ProviderHttp(settings.name(), settings.timeout(), json);
        this.authorization = settings.endpoint("authorization_endpoint", authorization);
        this.token = settings.endpoint("token_endpoint", token);
        this.profileUri = settings.endpoint("profile_endpoint", profileUri);
        this.emailsUri = emailsUri == null ? null : settings.endpoint("emails_endpoint", emailsUri);
        this.profile = profile;
    }

    /** GitHub: the email from {@code /user/emails} when it is the verified primary one, else none. */
    public static OAuth2Provider github(ProviderSettings settings, ObjectMapper json, Clock clock) {
        return new OAuth2Provider(
                settings,
                json,
                clock,
                "https://github.com/login/oauth/authorize",
                "https://github.com/login/oauth/access_token",
                "https://api.github.com/user",
                "https://api.github.com/user/emails",
                (provider, user, emails) -> {
                    String email = "";
                    var list = emails.fetch();
                    if (list != null && list.isArray()) {
                        for (var entry : list) {
                            if (entry.path("primary").asBoolean(false)
                                    && entry.path("verified").asBoolean(false)
                                    && entry.path("email").isTextual()) {
                                email = entry.get("email").asText();
                            }
                        }
                    }
                    return new SocialIdentity(
                            provider,
                            id(provider, user, "id"),
                            email,
                            !email.isEmpty(),
                            text(user, "name", text(user, "login", "")),
                            fields(user, "id", "login", "name", "avatar_url"));
                });
    }

    /** Naver: the profile is wrapped in {@code response}; Naver asserts nothing about the email. */
    public static OAuth2Provider naver(ProviderSettings settings, ObjectMapper json, Clock clock) {
        return new OAuth2Provider(
                settings,
                json,
                clock,
                "https://nid.naver.com/oauth2.0/authorize",
                "https://nid.naver.com/oauth2.0/token",
                "https://openapi.naver.com/v1/nid/me",
                null,
                (provider, answer, emails) -> {
                    var user = answer.get("response");
                    if (user == null || !user.isObject()) {
                        throw new ProviderFailure(provider, "its profile has no \"response\" object");
                    }
                    return new SocialIdentity(
                            provider,
                            id(provider, user, "id"),
                            text(user, "email", ""),
                            false,
                            text(user, "name", text(user, "nickname", "")),
                            fields(user, "id", "name", "nickname"));
                });
    }

    /**
     * Kakao's OAuth 2.0 user API ({@code /v2/user/me}): the email counts as verified only when Kakao marks it both
     * verified and valid. (With the {@code openid} scope, Kakao is configured as OIDC instead.)
     */
    public static OAuth2Provider kakao(ProviderSettings settings, ObjectMapper json, Clock clock) {
        return new OAuth2Provider(
                settings,
                json,
                clock,
                "https://kauth.kakao.com/oauth/authorize",
                "https://kauth.kakao.com/oauth/token",
                "https://kapi.kakao.com/v2/user/me",
                null,
                (provider, user, emails) -> {
                    var account = user.path("kakao_account");
                    var email = text(account, "email", "");
                    var verified = account.path("is_email_verified").asBoolean(false)
                            && account.path("is_email_valid").asBoolean(false);
                    var nickname =
                            text(account.path("profile"), "nickname", text(user.path("properties"), "nickname", ""));
                    return new SocialIdentity(
                            provider,
                            id(provider, user, "id"),
                            email,
                            verified && !email.isEmpty(),
                            nickname,
                            fields(user, "id"));
                });
    }

    /** Facebook: Graph API {@code /me?fields=id,name,email}; Facebook asserts nothing about the email. */
    public static OAuth2Provider facebook(ProviderSettings settings, ObjectMapper json, Clock clock) {
        return new OAuth2Provider(
                settings,
                json,
                clock,
                "https://www.facebook.com/v19.0/dialog/oauth",
                "https://graph.facebook.com/v19.0/oauth/access_token",
                "https://graph.facebook.com/me?fields=id,name,email",
                null,
                (provider, user, emails) -> new SocialIdentity(
                        provider,
                        id(provider, user, "id"),
                        text(user, "email", ""),
                        false,
                        text(user, "name", ""),
                        fields(user, "id", "name")));
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public ProviderSettings settings() {
        return settings;
    }

    @Override
    public URI authorizationUri(String redirectUri, String state, String codeChallenge, String nonce) {
        return AuthorizationCode.request(
                authorization, settings.clientId(), redirectUri, settings.scopes(), state, codeChallenge, null);
    }

    @Override
    public SocialIdentity exchange(String code, String redirectUri, String codeVerifier, String expectedNonce) {
        var answer = http.postFormWithSecret(
                token,
                AuthorizationCode.exchange(code, redirectUri, codeVerifier),
                settings.clientId(),
                settings.clientSecret());
        var accessToken = answer.body().get("access_token");
        // GitHub answers a refused code with 200 and an "error" field; others with 400.
        if (answer.body().has("error") || answer.status() == 400 || answer.status() == 401) {
            throw new SocialDenied("the provider refused the code (" + text(answer.body(), "error", "no reason") + ")");
        }
        if (answer.status() != 200 || accessToken == null || !accessToken.isTextual()) {
            throw new ProviderFailure(
                    name(), "the token endpoint answered HTTP " + answer.status() + " without an access_token");
        }
        var me = http.get(profileUri, accessToken.asText());
        if (me.status() != 200) {
            throw new ProviderFailure(name(), "its profile API answered HTTP " + me.status());
        }
        var identity = profile.read(name(), me.body(), () -> {
            var list = http.getList(emailsUri, accessToken.asText());
            return list.status() == 200 ? list.body() : null;
        });
        return identity.withTokens(ProviderTokens.read(answer.body(), clock.instant(), null));
    }

    @Override
    public ProviderTokens refresh(String refreshToken) {
        var answer = http.postFormWithSecret(
                token,
                Map.of("grant_type", "refresh_token", "refresh_token", refreshToken),
                settings.clientId(),
                settings.clientSecret());
        return ProviderRefresh.tokens(name(), answer, clock, refreshToken);
    }

    private static String id(String provider, JsonNode user, String field) {
        var value = user.get(field);
        if (value == null
                || !(value.isTextual() || value.isIntegralNumber())
                || value.asText().isBlank()) {
            throw new ProviderFailure(provider, "its profile has no usable \"" + field + "\"");
        }
        return value.asText();
    }

    private static String text(JsonNode node, String field, String fallback) {
        var value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : fallback;
    }

    private static Map<String, Object> fields(JsonNode user, String... names) {
        var out = new LinkedHashMap<String, Object>();
        for (var name : names) {
            var value = user.get(name);
            if (value != null && value.isValueNode() && !value.isNull()) {
                out.put(name, value.isNumber() ? value.numberValue() : value.asText());
            }
        }
        return out;
    }
}
