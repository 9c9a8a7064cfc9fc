package dev.latchkey.provider;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.factories.DefaultJWSSignerFactory;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.jwt.DelegatedAccess;
import dev.latchkey.jwt.SigningKeys;
import dev.latchkey.jwt.TokenFamily;
import dev.latchkey.jwt.VerificationKeys;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The provider's JWTs, all signed by latchkey's signing keys (the JWKS clients already fetch): access tokens in the
 * RFC 9068 profile ({@code typ: at+jwt}, {@code client_id}, {@code scope}, {@code aud} the client), ID tokens and
 * back-channel logout tokens. Access tokens name the user by their opaque {@code sub} and carry their token family
 * as {@code sid}, which is how a revoked family's tokens are refused at once.
 *
 * <p>Their issuer is the provider's ({@code server.public_url}) and their audience a client, never latchkey's own
 * audience: latchkey's API refuses them, so an app a user signed in to cannot act as that user on latchkey itself.
 */
public final class ProviderTokens implements DelegatedAccess {
    private static final JOSEObjectType ACCESS = new JOSEObjectType("at+jwt");
    private static final JOSEObjectType LOGOUT = new JOSEObjectType("logout+jwt");
    private static final int MAX_SKEW_SECONDS = 30;
    public static final int MAX_LENGTH = 8 * 1024;

    private final SigningKeys keys;
    private final String issuer;
    private final Subjects subjects;
    private final Secrets secrets;
    private final Clock clock;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final VerificationKeys verificationKeys;

    public ProviderTokens(
            SigningKeys keys, JWSAlgorithm algorithm, String issuer, Subjects subjects, Secrets secrets, Clock clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.subjects = subjects;
        this.secrets = secrets;
        this.clock = clock;
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(ACCESS));
        this.verificationKeys = new VerificationKeys(keys, algorithm);
        processor.setJWSKeySelector(verificationKeys);
        processor.setJWSVerifierFactory(verificationKeys);
        var claims =
                new DefaultJWTClaimsVerifier<SecurityContext>(
                        null,
                        new JWTClaimsSet.Builder().issuer(issuer).build(),
                        Set.of("sub", "aud", "iat", "exp", "jti", "client_id"),
                        Set.of()) {
                    @Override
                    protected Date currentTime() {
                        return Date.from(clock.instant());
                    }
                };
        claims.setMaxClockSkew(MAX_SKEW_SECONDS);
        processor.setJWTClaimsSetVerifier(claims);
    }

    public String issuer() {
        return issuer;
    }

    public Subjects subjects() {
        return subjects;
    }

    /** The JWS algorithm of the tokens signed now (the signing key's), for discovery. */
    public String signingAlgorithm() {
        return keys.signingKey().getAlgorithm().getName();
    }

    /** The access token of a family issued to a client. */
    @Override
    public String issue(TokenFamily family, Instant expires) {
        var delegation = family.delegation();
        var claims = base(subjects.subject(family.userId()), delegation.clientId(), expires)
                .claim("client_id", delegation.clientId())
                .claim("scope", delegation.scope())
                .claim("sid", family.id())
                .claim("auth_time", delegation.authTime().getEpochSecond())
                .jwtID(secrets.urlSafeToken(16));
        if (!family.amr().isEmpty()) {
            claims.claim("amr", family.amr());
        }
        return sign(ACCESS, claims.build());
    }

    /** A client's own access token ({@code client_credentials}): its subject is the client. */
    public String clientAccess(Client client, Scopes scopes, Instant expires) {
        var claims = base(client.id(), client.id(), expires)
                .claim("client_id", client.id())
                .claim("scope", scopes.toString())
                .jwtID(secrets.urlSafeToken(16))
                .build();
        return sign(ACCESS, claims);
    }

    /** The claims of an ID token beyond the registered ones. */
    public record IdClaims(
            long userId,
            String clientId,
            String nonce,
            Instant authTime,
            List<String> amr,
            String sessionHash,
            String accessToken,
            Map<String, Object> user) {}

    /** An ID token (OpenID Connect Core §2) for one client. */
    public String idToken(IdClaims c, Instant expires) {
        var claims = base(subjects.subject(c.userId()), c.clientId(), expires)
                .claim("auth_time", c.authTime().getEpochSecond())
                .claim("acr", c.amr().contains("mfa") ? AuthorizationRequest.ACR_MFA : "1fa")
                .claim("azp", c.clientId());
        if (c.nonce() != null) {
            claims.claim("nonce", c.nonce());
        }
        if (!c.amr().isEmpty()) {
            claims.claim("amr", c.amr());
        }
        if (c.sessionHash() != null) {
            claims.claim("sid", subjects.sessionId(c.sessionHash()));
        }
        if (c.accessToken() != null) {
            claims.claim("at_hash", leftHalfHash(c.accessToken()));
        }
        c.user().forEach(claims::claim);
        return sign(JOSEObjectType.JWT, claims.build());
    }

    /** A back-channel logout token (OpenID Connect Back-Channel Logout 1.0 §2.4), good for two minutes. */
    public String logoutToken(String clientId, String subject, String sid) {
        var now = clock.instant();
        var claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(clientId)
                .subject(subject)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(120)))
                .jwtID(secrets.urlSafeToken(16))
                .claim("sid", sid)
                .claim("events", Map.of("http://schemas.openid.net/event/backchannel-logout", Map.of()))
                .build();
        return sign(LOGOUT, claims);
    }

    /** A valid, unexpired access token of this provider; {@link OAuthError} {@code invalid_token} otherwise. */
    public JWTClaimsSet verify(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_LENGTH) {
            throw invalidToken("missing or longer than " + MAX_LENGTH + " characters");
        }
        try {
            return processor.process(token, null);
        } catch (ParseException e) {
            throw invalidToken("not a signed JWT");
        } catch (BadJOSEException | JOSEException e) {
            throw invalidToken("the access token is not valid");
        }
    }

    /**
     * The claims of an ID token this provider signed with a key it still publishes, expired or not (an
     * {@code id_token_hint} names who is signing out, usually after the token's lifetime); empty otherwise.
     */
    public java.util.Optional<JWTClaimsSet> verifyIdTokenHint(String idToken) {
        try {
            var jwt = SignedJWT.parse(idToken);
            var header = jwt.getHeader();
            if (header.getType() != null && !JOSEObjectType.JWT.equals(header.getType())) {
                return java.util.Optional.empty();
            }
            for (var key : verificationKeys.selectJWSKeys(header, null)) {
                if (jwt.verify(verificationKeys.createJWSVerifier(header, key))
                        && issuer.equals(jwt.getJWTClaimsSet().getIssuer())) {
                    return java.util.Optional.of(jwt.getJWTClaimsSet());
                }
            }
        } catch (ParseException | JOSEException | RuntimeException e) {
            // not one of ours
        }
        return java.util.Optional.empty();
    }

    static OAuthError invalidToken(String why) {
        return new OAuthError(OAuthError.INVALID_TOKEN, 401, why);
    }

    private JWTClaimsSet.Builder base(String subject, String audience, Instant expires) {
        var now = clock.instant();
        return new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(subject)
                .audience(audience)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(expires));
    }

    private String sign(JOSEObjectType type, JWTClaimsSet claims) {
        var signing = keys.signingKey();
        var header = new JWSHeader.Builder(
                        JWSAlgorithm.parse(signing.getAlgorithm().getName()))
                .type(type)
                .keyID(signing.getKeyID())
                .build();
        try {
            var jwt = new SignedJWT(header, claims);
            jwt.sign(new DefaultJWSSignerFactory().createJWSSigner(signing));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("could not sign with key " + signing.getKeyID(), e);
        }
    }

    /**
     * {@code at_hash}: the left half of the hash of the access token, with the hash of the signing algorithm
     * (SHA-256 for RS256, ES256 and PS256; SHA-512 for EdDSA over Ed25519).
     */
    private String leftHalfHash(String accessToken) {
        var algorithm = keys.signingKey().getAlgorithm().getName();
        var digest = Secrets.digest(algorithm.equals("EdDSA") || algorithm.endsWith("512") ? "SHA-512" : "SHA-256")
                .digest(accessToken.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, digest.length / 2));
    }
}
