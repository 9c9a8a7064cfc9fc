package dev.latchkey.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyConverter;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.Key;
import java.security.PublicKey;
import java.util.List;
import java.util.Set;

/**
 * Picks the key that may verify a token, for Nimbus's JWT processor: only when the header names exactly the one
 * configured algorithm and a {@code kid} of a live key of that algorithm. Nimbus's own selector and verifier factory
 * cover RSA, EC and HMAC but not Ed25519 (which Nimbus verifies through Tink from a JWK, not a Java key), so this
 * one hands an Ed25519 JWK through in a {@link Okp} holder and builds its verifier.
 */
public final class VerificationKeys implements JWSKeySelector<SecurityContext>, JWSVerifierFactory {
    private final SigningKeys keys;
    private final JWSAlgorithm algorithm;
    private final DefaultJWSVerifierFactory standard = new DefaultJWSVerifierFactory();

    public VerificationKeys(SigningKeys keys, JWSAlgorithm algorithm) {
        this.keys = keys;
        this.algorithm = algorithm;
    }

    @Override
    public List<? extends Key> selectJWSKeys(JWSHeader header, SecurityContext context) {
        if (!algorithm.equals(header.getAlgorithm()) || header.getKeyID() == null) {
            return List.of();
        }
        var jwk = keys.verificationKey(header.getKeyID()).filter(k -> algorithm.equals(k.getAlgorithm()));
        if (jwk.isEmpty()) {
            return List.of();
        }
        if (jwk.get() instanceof OctetKeyPair okp) {
            return List.of(new Okp(okp.toPublicJWK()));
        }
        return KeyConverter.toJavaKeys(List.<JWK>of(jwk.get())).stream()
                .filter(k -> !(k instanceof java.security.PrivateKey))
                .toList();
    }

    @Override
    public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
        if (key instanceof Okp okp) {
            return new Ed25519Verifier(okp.jwk);
        }
        return standard.createJWSVerifier(header, key);
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(algorithm);
    }

    @Override
    public JCAContext getJCAContext() {
        return standard.getJCAContext();
    }

    /** An Ed25519 public JWK carried where Nimbus's processor expects a Java key. */
    private static final class Okp implements PublicKey {
        private final OctetKeyPair jwk;

        Okp(OctetKeyPair jwk) {
            this.jwk = jwk;
        }

        @Override
        public String getAlgorithm() {
            return "Ed25519";
        }

        @Override
        public String getFormat() {
            return null;
        }

        @Override
        public byte[] getEncoded() {
            return null;
        }
    }
}
