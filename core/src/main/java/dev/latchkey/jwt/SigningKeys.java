package dev.latchkey.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.latchkey.crypto.SecretBox;
import dev.latchkey.crypto.Secrets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The keys that sign JWTs: made on first use, stored in the database with the private half sealed
 * ({@link SecretBox}), rotated on demand ({@code latchkey keys rotate}). The newest key signs; older ones keep
 * verifying, and stay in the published JWKS, until {@code tokenLifetime} after their retirement, when the last token
 * they signed has expired. Keys are re-read from the database every {@code reload}, so a rotation made by another
 * process (the command line, another node) is picked up.
 */
public final class SigningKeys {
    private static final Duration RELOAD = Duration.ofSeconds(30);

    private final SigningKeyStore store;
    private final SecretBox box;
    private final Secrets secrets;
    private final Clock clock;
    private final JWSAlgorithm algorithm;
    private final Duration tokenLifetime;
    private final AtomicReference<Loaded> loaded = new AtomicReference<>();

    private record Loaded(List<SigningKey> keys, JWK signing, Instant at) {
    }

    public SigningKeys(SigningKeyStore store, SecretBox box, Secrets secrets, Clock clock, JWSAlgorithm algorithm,
                       Duration tokenLifetime) {
        // EdDSA would need Google Tink beside Nimbus; HS256 keys are secrets and are never published.
        if (!List.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256).contains(algorithm)) {
            throw new IllegalArgumentException("signing algorithm must be RS256 or ES256, was " + algorithm);
        }
        this.store = store;
        this.box = box;
        this.secrets = secrets;
        this.clock = clock;
        this.algorithm = algorithm;
        this.tokenLifetime = tokenLifetime;
    }

    /** The private key that signs now, made if there is none yet. */
    public JWK signingKey() {
        return state().signing;
    }

    /** The public keys that may have signed a live token: the JWKS document's content. */
    public JWKSet publicJwks() {
        var cutoff = clock.instant().minus(tokenLifetime);
        return new JWKSet(state().keys.stream()
                .filter(k -> k.retired() == null || k.retired().isAfter(cutoff))
                .map(SigningKey::publicJwk)
                .toList());
    }

    /** The public key with this id, if it may still verify a live token. */
    public Optional<JWK> verificationKey(String kid) {
        var key = publicJwks().getKeyByKeyId(kid);
        if (key == null && state().at.isBefore(clock.instant().minusSeconds(5))) {
            // An unknown kid may come from a key made by another process a moment ago.
            reload();
            key = publicJwks().getKeyByKeyId(kid);
        }
        return Optional.ofNullable(key);
    }

    /** Makes a new signing key; the others retire now and leave the JWKS when their tokens have expired. */
    public synchronized SigningKey rotate() {
        var key = generate();
        store.retireAllBut(key.kid(), clock.instant());
        store.deleteRetiredBefore(clock.instant().minus(tokenLifetime).minus(tokenLifetime));
        reload();
        return key;
    }

    private Loaded state() {
        var current = loaded.get();
        if (current == null || current.at.isBefore(clock.instant().minus(RELOAD))) {
            return reload();
        }
        return current;
    }

    private synchronized Loaded reload() {
        var keys = store.findAll();
        var active = keys.stream().filter(k -> k.retired() == null).findFirst();
        if (active.isEmpty()) {
            generate();
            keys = store.findAll();
            active = keys.stream().filter(k -> k.retired() == null).findFirst();
        }
        var signing = unseal(active.orElseThrow());
        var state = new Loaded(List.copyOf(keys), signing, clock.instant());
        loaded.set(state);
        return state;
    }

    private SigningKey generate() {
        var kid = secrets.urlSafeToken(12);
        JWK jwk;
        try {
            jwk = algorithm.equals(JWSAlgorithm.RS256)
                    ? new RSAKeyGenerator(2048).keyID(kid).algorithm(algorithm).keyUse(KeyUse.SIGNATURE).generate()
                    : new ECKeyGenerator(Curve.P_256).keyID(kid).algorithm(algorithm).keyUse(KeyUse.SIGNATURE)
                            .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("could not generate a " + algorithm + " key", e);
        }
        var key = new SigningKey(kid, algorithm.getName(), jwk.toPublicJWK(), box.seal(jwk.toJSONString(), kid),
                clock.instant(), null);
        store.insert(key);
        return key;
    }

    private JWK unseal(SigningKey key) {
        try {
            return JWK.parse(box.open(key.sealedPrivateJwk(), key.kid()));
        } catch (ParseException e) {
            throw new IllegalStateException("signing key " + key.kid() + " is not a valid JWK", e);
        }
    }
}
