package dev.latchkey.social;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A generic OpenID Connect provider: endpoints from its discovery document (whose {@code issuer} must be the
 * configured one, exactly), the authorization-code flow with PKCE S256 and a nonce, and the ID token validated with
 * Nimbus against the provider's JWKS — signature by an allowed asymmetric algorithm only (never {@code none} or
 * HMAC), exact issuer, our client id in the audience, expiry with 60 s of skew, the nonce we sent.
 */
public final class OidcProvider implements SocialProvider {
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(
            JWSAlgorithm.RS256,
            JWSAlgorithm.RS384,
            JWSAlgorithm.RS512,
            JWSAlgorithm.PS256,
            JWSAlgorithm.ES256,
            JWSAlgorithm.ES384,
            JWSAlgorithm.EdDSA);
    private static final Duration DISCOVERY_TTL = Duration.ofHours(1);
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(OidcProvider.class);
    private static final int MAX_SKEW_SECONDS = 60;

    private final ProviderSettings settings;
    private final ProviderHttp http;
    private final Clock clock;
    private final ReentrantLock refreshing = new ReentrantLock();
    private volatile Discovery discovery;
    /** After a failed fetch, when the next may be tried; null after a success. */
    private volatile Instant nextTry;

    private record Discovery(URI authorization, URI token, JWKSource<SecurityContext> keys, Instant at) {}

    public OidcProvider(ProviderSettings settings, ObjectMapper json, Clock clock) {
        this.settings = settings;
        this.http = new ProviderHttp(settings.name(), settings.timeout(), json);
        this.clock = clock;
        requireSecure(settings.issuer(), "issuer");
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
        var scopes = new TreeSet<>(settings.scopes());
        scopes.add("openid");
        return AuthorizationCode.request(
                discover().authorization(), settings.clientId(), redirectUri, scopes, state, codeChallenge, nonce);
    }

    @Override
    public SocialIdentity exchange(String code, String redirectUri, String codeVerifier, String expectedNonce) {
        var answer = http.postForm(
                discover().token(),
                AuthorizationCode.exchange(code, redirectUri, codeVerifier),
                settings.clientId(),
                settings.clientSecret());
        if (answer.status() == 400 || answer.status() == 401) {
            throw new SocialDenied("the provider refused the code (" + text(answer.body(), "error", "no reason") + ")");
        }
        if (answer.status() != 200) {
            throw new ProviderFailure(name(), "the token endpoint answered HTTP " + answer.status());
        }
        var idToken = answer.body().get("id_token");
        if (idToken == null || !idToken.isTextual()) {
            throw new ProviderFailure(name(), "the token endpoint answered no id_token");
        }
        var claims = validate(idToken.asText(), expectedNonce);
        return identity(claims).withTokens(ProviderTokens.read(answer.body(), clock.instant(), null));
    }

    @Override
    public ProviderTokens refresh(String refreshToken) {
        var answer = http.postForm(
                discover().token(),
                Map.of("grant_type", "refresh_token", "refresh_token", refreshToken),
                settings.clientId(),
                settings.clientSecret());
        return ProviderRefresh.tokens(name(), answer, clock, refreshToken);
    }

    private JWTClaimsSet validate(String idToken, String expectedNonce) {
        var processor = new DefaultJWTProcessor<SecurityContext>();
        processor.setJWSKeySelector(
                new JWSVerificationKeySelector<>(ALGORITHMS, discover().keys()));
        var exact = new JWTClaimsSet.Builder().issuer(settings.issuer().toString());
        if (expectedNonce != null) {
            exact.claim("nonce", expectedNonce);
        }
        var verifier =
                new DefaultJWTClaimsVerifier<SecurityContext>(
                        settings.clientId(), exact.build(), Set.of("sub", "iat", "exp")) {
                    @Override
                    protected Date currentTime() {
                        return Date.from(clock.instant());
                    }
                };
        verifier.setMaxClockSkew(MAX_SKEW_SECONDS);
        processor.setJWTClaimsSetVerifier(verifier);
        try {
            return processor.process(idToken, null);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new SocialDenied("the provider's ID token is not valid");
        } catch (RuntimeException e) {
            throw new ProviderFailure(name(), "its signing keys could not be read");
        }
    }

    private SocialIdentity identity(JWTClaimsSet claims) {
        var profile = new LinkedHashMap<String, Object>();
        for (var key : new String[] {
            "sub",
            "email",
            "email_verified",
            "name",
            "given_name",
            "family_name",
            "preferred_username",
            "picture",
            "locale"
        }) {
            var value = claims.getClaim(key);
            if (value instanceof String || value instanceof Boolean || value instanceof Number) {
                profile.put(key, value);
            }
        }
        var email = claims.getClaim("email") instanceof String s ? s : "";
        var verified = claims.getClaim("email_verified");
        // Some providers send the boolean as a string; anything else is "not verified".
        boolean emailVerified = Boolean.TRUE.equals(verified) || "true".equals(verified);
        var name = claims.getClaim("name") instanceof String s
                ? s
                : claims.getClaim("preferred_username") instanceof String p ? p : "";
        return new SocialIdentity(name(), claims.getSubject(), email, emailVerified && !email.isEmpty(), name, profile);
    }

    /**
     * The discovery document, fetched at most once an hour. Only one caller fetches: while it does, the others keep
     * using the expired document if there is one (it rarely changes), or wait for the fetch and share its outcome if
     * there is none. A failed fetch is not retried for {@link #RETRY_AFTER_FAILURE}, so a provider that is down
     * costs one timeout per ten seconds instead of one per sign-in; meanwhile the old document, if any, is served.
     */
    private Discovery discover() {
        var current = discovery;
        if (current != null && isFresh(current)) {
            return current;
        }
        if (current == null) {
            refreshing.lock();
        } else if (!refreshing.tryLock()) {
            return current;
        }
        try {
            current = discovery;
            if (current != null && isFresh(current)) {
                return current; // fetched by the caller this one queued behind
            }
            var retryAt = nextTry;
            if (retryAt != null && clock.instant().isBefore(retryAt)) {
                if (current != null) {
                    return current;
                }
                throw new ProviderFailure(
                        name(), "its discovery document could not be fetched; next try after " + retryAt);
            }
            try {
                var fetched = fetchDiscovery();
                discovery = fetched;
                nextTry = null;
                return fetched;
            } catch (ProviderFailure e) {
                nextTry = clock.instant().plus(RETRY_AFTER_FAILURE);
                if (current == null) {
                    throw e;
                }
                log.warn("{}; still using the discovery document fetched at {}", e.getMessage(), current.at());
                return current;
            }
        } finally {
            refreshing.unlock();
        }
    }

    private boolean isFresh(Discovery document) {
        return document.at().isAfter(clock.instant().minus(DISCOVERY_TTL));
    }

    private Discovery fetchDiscovery() {
        var document =
                http.get(URI.create(stripSlash(settings.issuer().toString()) + "/.well-known/openid-configuration"));
        if (document.status() != 200) {
            throw new ProviderFailure(name(), "its discovery document answered HTTP " + document.status());
        }
        var body = document.body();
        if (!settings.issuer().toString().equals(text(body, "issuer", ""))) {
            throw new ProviderFailure(name(), "its discovery document names another issuer");
        }
        var authorization = endpoint(body, "authorization_endpoint");
        var token = endpoint(body, "token_endpoint");
        var jwks = endpoint(body, "jwks_uri");
        JWKSource<SecurityContext> keys;
        try {
            int millis = (int) settings.timeout().toMillis();
            keys = JWKSourceBuilder.<SecurityContext>create(
                            jwks.toURL(), new DefaultResourceRetriever(millis, millis, ProviderHttp.MAX_BODY))
                    .build();
        } catch (MalformedURLException e) {
            throw new ProviderFailure(name(), "its jwks_uri is not a URL");
        }
        return new Discovery(authorization, token, keys, clock.instant());
    }

    private URI endpoint(JsonNode document, String field) {
        var value = text(document, field, null);
        if (value == null) {
            throw new ProviderFailure(name(), "its discovery document has no " + field);
        }
        try {
            var uri = URI.create(value);
            requireSecure(uri, field);
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ProviderFailure(name(), "its " + field + " is not a URL");
        }
    }

    /** https only, except on a loopback address (development and tests). */
    private void requireSecure(URI uri, String what) {
        if (uri == null || uri.getHost() == null) {
            throw new ProviderFailure(settings.name(), "its " + what + " is not an absolute URL");
        }
        var loopback = uri.getHost().equals("localhost")
                || uri.getHost().equals("127.0.0.1")
                || uri.getHost().equals("[::1]");
        if (!"https".equals(uri.getScheme()) && !(loopback && "http".equals(uri.getScheme()))) {
            throw new ProviderFailure(settings.name(), "its " + what + " must be https:// (http:// only on loopback)");
        }
    }

    private static String text(JsonNode node, String field, String fallback) {
        var value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : fallback;
    }

    private static String stripSlash(String text) {
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }
}
