package dev.latchkey.provider;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.latchkey.singleuse.SingleUseStore;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.Optional;
import java.util.Set;

/**
 * Who is calling the token, revocation and introspection endpoints: a client secret (in the {@code Authorization}
 * header or the body), a signed assertion ({@code private_key_jwt}, RFC 7523) checked against the client's registered
 * keys, or nothing but the id of a public client. A client authenticates only in the way it registered — a secret
 * client by either place of its secret — and every failure is the one {@code invalid_client}, so that the answer says
 * nothing of which ids exist or which part was wrong.
 */
public final class ClientAuthenticator {
    public static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    /** An assertion good for longer than this is refused: it is a one-call credential, not a key. */
    static final Duration MAX_ASSERTION_LIFETIME = Duration.ofMinutes(5);

    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(
            JWSAlgorithm.RS256,
            JWSAlgorithm.RS384,
            JWSAlgorithm.RS512,
            JWSAlgorithm.PS256,
            JWSAlgorithm.PS384,
            JWSAlgorithm.PS512,
            JWSAlgorithm.ES256,
            JWSAlgorithm.ES384,
            JWSAlgorithm.ES512);
    private static final String SINGLE_USE = "client-assertion";

    /**
     * What the caller presented.
     *
     * @param clientId      the {@code client_id} of the body, or null
     * @param basicId       the id of an {@code Authorization: Basic} header, or null when there was none
     * @param basicSecret   that header's secret
     * @param secret        the {@code client_secret} of the body, or null
     * @param assertionType the {@code client_assertion_type} of the body, or null
     * @param assertion     the {@code client_assertion} of the body, or null
     */
    public record Presented(
            String clientId,
            String basicId,
            String basicSecret,
            String secret,
            String assertionType,
            String assertion) {
        @Override
        public String toString() {
            return "Presented[clientId=" + clientId + ", basicId=" + basicId + "]";
        }
    }

    private final Clients clients;
    private final SingleUseStore singleUse;
    private final Clock clock;
    /** One key source a {@code jwks_uri}: Nimbus caches and refetches on an unknown {@code kid}, rate-limited. */
    private final Cache<String, JWKSource<SecurityContext>> remoteKeys =
            Caffeine.newBuilder().maximumSize(1_000).build();

    public ClientAuthenticator(Clients clients, SingleUseStore singleUse, Clock clock) {
        this.clients = clients;
        this.singleUse = singleUse;
        this.clock = clock;
    }

    /** The id the caller claims to be, before anything is checked (for throttling), or empty. */
    public static Optional<String> claimedId(Presented p) {
        if (p.basicId() != null) {
            return Optional.of(p.basicId());
        }
        if (p.clientId() != null) {
            return Optional.of(p.clientId());
        }
        if (p.assertion() != null) {
            try {
                return Optional.ofNullable(com.nimbusds.jwt.SignedJWT.parse(p.assertion())
                        .getJWTClaimsSet()
                        .getSubject());
            } catch (ParseException | RuntimeException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * The client these credentials prove, at {@code endpoint} (the URL an assertion's {@code aud} must name, besides
     * the issuer). {@link OAuthError} {@code invalid_request} when more than one way, or none, was used;
     * {@code invalid_client} for anything wrong with the credentials.
     */
    public Client authenticate(Presented p, String issuer, String endpoint) {
        int ways = (p.basicId() != null ? 1 : 0)
                + (p.secret() != null ? 1 : 0)
                + (p.assertion() != null || p.assertionType() != null ? 1 : 0);
        if (ways > 1) {
            throw new OAuthError(OAuthError.INVALID_REQUEST, "use one way of client authentication, not several");
        }
        if (p.basicId() != null) {
            if (p.clientId() != null && !p.clientId().equals(p.basicId())) {
                throw new OAuthError(OAuthError.INVALID_REQUEST, "client_id differs from the authenticated client");
            }
            return bySecret(p.basicId(), p.basicSecret());
        }
        if (p.secret() != null) {
            return bySecret(p.clientId(), p.secret());
        }
        if (p.assertion() != null || p.assertionType() != null) {
            return byAssertion(p, issuer, endpoint);
        }
        if (p.clientId() == null) {
            throw new OAuthError(OAuthError.INVALID_CLIENT, "client authentication is required");
        }
        return clients.find(p.clientId()).filter(Client::isPublic).orElseThrow(ClientAuthenticator::invalid);
    }

    private Client bySecret(String id, String secret) {
        if (id == null) {
            throw invalid();
        }
        var client = clients.authenticate(id, secret).orElseThrow(ClientAuthenticator::invalid);
        if (client.authMethod() != Client.AuthMethod.CLIENT_SECRET_BASIC
                && client.authMethod() != Client.AuthMethod.CLIENT_SECRET_POST) {
            throw invalid();
        }
        return client;
    }

    private Client byAssertion(Presented p, String issuer, String endpoint) {
        if (!ASSERTION_TYPE.equals(p.assertionType()) || p.assertion() == null) {
            throw new OAuthError(
                    OAuthError.INVALID_REQUEST,
                    "client_assertion_type must be " + ASSERTION_TYPE + ", with an assertion");
        }
        if (p.assertion().length() > ProviderTokens.MAX_LENGTH) {
            throw invalid();
        }
        var id = claimedId(p).orElseThrow(ClientAuthenticator::invalid);
        if (p.clientId() != null && !p.clientId().equals(id)) {
            throw invalid();
        }
        var client = clients.find(id)
                .filter(c -> c.authMethod() == Client.AuthMethod.PRIVATE_KEY_JWT)
                .orElseThrow(ClientAuthenticator::invalid);
        var claims = verified(p.assertion(), client, issuer, endpoint);
        var now = clock.instant();
        var expires = claims.getExpirationTime().toInstant();
        if (expires.isAfter(now.plus(MAX_ASSERTION_LIFETIME))) {
            throw invalid();
        }
        // The jti is single use while the assertion could be accepted at all; a replay is refused.
        if (!singleUse.firstUse(
                SINGLE_USE, client.id() + "|" + claims.getJWTID(), now, MAX_ASSERTION_LIFETIME.plusMinutes(1))) {
            throw invalid();
        }
        return client;
    }

    private JWTClaimsSet verified(String assertion, Client client, String issuer, String endpoint) {
        var processor = new DefaultJWTProcessor<SecurityContext>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys(client)));
        var exact = new JWTClaimsSet.Builder()
                .issuer(client.id())
                .subject(client.id())
                .build();
        var verifier =
                new DefaultJWTClaimsVerifier<SecurityContext>(
                        Set.of(endpoint, issuer), exact, Set.of("exp", "jti"), null) {
                    @Override
                    protected Date currentTime() {
                        return Date.from(clock.instant());
                    }
                };
        verifier.setMaxClockSkew(30);
        processor.setJWTClaimsSetVerifier(verifier);
        try {
            return processor.process(assertion, null);
        } catch (ParseException | BadJOSEException | JOSEException | RuntimeException e) {
            throw invalid();
        }
    }

    private JWKSource<SecurityContext> keys(Client client) {
        if (client.jwks() != null) {
            try {
                return new ImmutableJWKSet<>(JWKSet.parse(client.jwks()));
            } catch (ParseException e) {
                throw invalid();
            }
        }
        if (client.jwksUri() == null) {
            throw invalid();
        }
        return remoteKeys.get(client.jwksUri(), uri -> {
            try {
                return JWKSourceBuilder.create(URI.create(uri).toURL()).build();
            } catch (MalformedURLException e) {
                throw invalid();
            }
        });
    }

    private static OAuthError invalid() {
        return new OAuthError(OAuthError.INVALID_CLIENT, "client authentication failed");
    }
}
