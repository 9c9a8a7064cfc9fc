package dev.latchkey.jwt;

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
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * JWT access tokens (RFC 9068 {@code at+jwt}): issued signed by the current {@link SigningKeys} key, verified
 * strictly — only the configured algorithm (so never {@code none}, and never HMAC keyed with a public key), a known
 * {@code kid} only, the {@code at+jwt} type, exact issuer and audience, {@code exp}/{@code nbf} with at most 30 s of
 * skew, every claim present, and tokens over 8 KiB refused before parsing. Nimbus does all of it; time comes from
 * the injected clock.
 */
public final class AccessTokens {
    public static final int MAX_LENGTH = 8 * 1024;
    private static final JOSEObjectType TYPE = new JOSEObjectType("at+jwt");
    private static final int MAX_SKEW_SECONDS = 30;

    private final SigningKeys keys;
    private final Secrets secrets;
    private final Clock clock;
    private final String issuer;
    private final String audience;
    private final Duration lifetime;
    private final DefaultJWTProcessor<SecurityContext> processor;
    private final LongFunction<List<String>> groups;

    public AccessTokens(
            SigningKeys keys,
            Secrets secrets,
            Clock clock,
            String issuer,
            String audience,
            Duration lifetime,
            JWSAlgorithm algorithm) {
        this(keys, secrets, clock, issuer, audience, lifetime, algorithm, id -> List.of());
    }

    /**
     * @param groups the names of a user's groups now, for the {@code groups} claim of each token issued (RFC 9068
     *               §2.2.3.1); read at every issue, so a change shows in the next token
     */
    public AccessTokens(
            SigningKeys keys,
            Secrets secrets,
            Clock clock,
            String issuer,
            String audience,
            Duration lifetime,
            JWSAlgorithm algorithm,
            LongFunction<List<String>> groups) {
        this.groups = groups;
        this.keys = keys;
        this.secrets = secrets;
        this.clock = clock;
        this.issuer = issuer;
        this.audience = audience;
        this.lifetime = lifetime;
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(TYPE));
        var verificationKeys = new VerificationKeys(keys, algorithm);
        processor.setJWSKeySelector(verificationKeys);
        processor.setJWSVerifierFactory(verificationKeys);
        var claims =
                new DefaultJWTClaimsVerifier<SecurityContext>(
                        Set.of(audience),
                        new JWTClaimsSet.Builder().issuer(issuer).build(),
                        Set.of("sub", "iat", "nbf", "exp", "jti", "sid"),
                        Set.of()) {
                    @Override
                    protected Date currentTime() {
                        return Date.from(clock.instant());
                    }
                };
        claims.setMaxClockSkew(MAX_SKEW_SECONDS);
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** A signed access token for the user, in token family {@code family}, for the configured lifetime. */
    public String issue(long userId, String family) {
        return issue(userId, family, clock.instant().plus(lifetime));
    }

    /** A signed access token for the user, in token family {@code family}, valid until {@code expires}. */
    public String issue(long userId, String family, Instant expires) {
        return issue(userId, family, expires, List.of());
    }

    /** As {@link #issue(long, String, Instant)}, with the RFC 8176 {@code amr} claim when {@code amr} is not empty. */
    public String issue(long userId, String family, Instant expires, List<String> amr) {
        var signing = keys.signingKey();
        var now = clock.instant();
        var builder = new JWTClaimsSet.Builder();
        if (!amr.isEmpty()) {
            builder.claim("amr", List.copyOf(amr));
        }
        var claims = builder.issuer(issuer)
                .subject(Long.toString(userId))
                .audience(audience)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(expires))
                .jwtID(secrets.urlSafeToken(16))
                .claim("sid", family)
                .claim("groups", List.copyOf(groups.apply(userId)))
                .build();
        var header = new JWSHeader.Builder(
                        JWSAlgorithm.parse(signing.getAlgorithm().getName()))
                .type(TYPE)
                .keyID(signing.getKeyID())
                .build();
        try {
            var jwt = new SignedJWT(header, claims);
            jwt.sign(new DefaultJWSSignerFactory().createJWSSigner(signing));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("could not sign an access token with key " + signing.getKeyID(), e);
        }
    }

    /** What the token says, or {@link InvalidAccessToken} naming the first check that failed. */
    public AccessToken verify(String token) throws InvalidAccessToken {
        if (token == null || token.isEmpty()) {
            throw new InvalidAccessToken("no token");
        }
        if (token.length() > MAX_LENGTH) {
            throw new InvalidAccessToken("longer than " + MAX_LENGTH + " characters");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new InvalidAccessToken("not a signed JWT: " + e.getMessage());
        } catch (BadJOSEException | JOSEException e) {
            throw new InvalidAccessToken(e.getMessage());
        }
        try {
            var sid = claims.getStringClaim("sid");
            return new AccessToken(
                    Long.parseLong(claims.getSubject()),
                    sid,
                    claims.getJWTID(),
                    claims.getExpirationTime().toInstant());
        } catch (ParseException | NumberFormatException e) {
            throw new InvalidAccessToken("claims of the wrong type");
        }
    }
}
