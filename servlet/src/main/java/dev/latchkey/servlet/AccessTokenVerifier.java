package dev.latchkey.servlet;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.URL;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Verifies latchkey's access tokens locally, against its JWKS, with Nimbus: the {@code at+jwt} type, an asymmetric
 * algorithm latchkey signs with (RS256, ES256), a {@code kid} of the key set, the exact issuer and audience, expiry
 * with 30 s of skew, and every claim latchkey always sets. The key set is cached for five minutes; a token with a
 * {@code kid} the cache does not know fetches it again (a key rotation), at most once a minute, so forged
 * {@code kid}s cannot make the filter hammer latchkey. Revocation reaches here through the access tokens' short
 * lifetime (five minutes by default).
 */
final class AccessTokenVerifier {
    static final int MAX_LENGTH = 8 * 1024;
    private static final JOSEObjectType TYPE = new JOSEObjectType("at+jwt");

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    AccessTokenVerifier(URL jwks, String issuer, String audience, Duration timeout) {
        var retriever = new DefaultResourceRetriever((int) timeout.toMillis(), (int) timeout.toMillis(), 256 * 1024);
        JWKSource<SecurityContext> keys = JWKSourceBuilder.create(jwks, retriever)
                .cache(Duration.ofMinutes(5).toMillis(), timeout.toMillis())
                .rateLimited(Duration.ofMinutes(1).toMillis())
                .refreshAheadCache(false)
                .retrying(false)
                .build();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(TYPE));
        processor.setJWSKeySelector(
                new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), keys));
        var claims = new DefaultJWTClaimsVerifier<SecurityContext>(
                Set.of(audience),
                new JWTClaimsSet.Builder().issuer(issuer).build(),
                Set.of("sub", "iat", "exp", "jti"),
                Set.of());
        claims.setMaxClockSkew(30);
        processor.setJWTClaimsSetVerifier(claims);
    }

    LatchkeyPrincipal verify(String token) throws InvalidCredentials, Unreachable {
        if (token.length() > MAX_LENGTH) {
            throw new InvalidCredentials("the token is too long");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (KeySourceException e) {
            throw new Unreachable("latchkey's JWKS could not be fetched", e);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new InvalidCredentials("the token is not valid");
        }
        List<String> groups;
        try {
            var listed = claims.getStringListClaim("groups");
            groups = listed == null ? List.of() : listed;
        } catch (ParseException e) {
            throw new InvalidCredentials("the token's groups claim is not a list of names");
        }
        return LatchkeyPrincipal.of(claims.getSubject(), null, groups, claims.toJSONObject());
    }
}
