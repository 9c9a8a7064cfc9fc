package dev.latchkey.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.JWKGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.latchkey.crypto.SecretBox;
import dev.latchkey.crypto.Secrets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The keys that sign JWTs: made on first use, stored in the database with the private half sealed
 * ({@link SecretBox}), rotated on demand ({@code latchkey keys rotate}). The newest key signs; older ones keep
 * verifying, and stay in the published JWKS, until {@code tokenLifetime} after their retirement, when the last token
 * they signed has expired. Keys are re-read from the database every {@code reload}, so a rotation made by another
 * process (the command line, another node) is picked up.
 */
public final class SigningKeys {
    /**
     * The algorithms keys are made for. HS256 keys are secrets: they verify only here and are never published, so
     * choose it only when no other service needs to check latchkey's tokens.
     */
    public static final List<JWSAlgorithm> ALGORITHMS =
            List.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.EdDSA, JWSAlgorithm.HS256);

    private static final Duration RELOAD = Duration.ofSeconds(30);

    private final SigningKeyStore store;
    private final SecretBox box;
    private final Secrets secrets;
    private final Clock clock;
    private final JWSAlgorithm algorithm;
    private final Duration tokenLifetime;
    private final AtomicReference<Loaded> loaded = new AtomicReference<>();
    private final List<Runnable> rotateListeners = new CopyOnWriteArrayList<>();

    /** The keys as last read; {@code secretKeys} holds the unsealed HMAC keys, which verify with their secret. */
    private record Loaded(List<SigningKey> keys, JWK signing, Map<String, JWK> secretKeys, Instant at) {}

    public SigningKeys(
            SigningKeyStore store,
            SecretBox box,
            Secrets secrets,
            Clock clock,
            JWSAlgorithm algorithm,
            Duration tokenLifetime) {
        if (!ALGORITHMS.contains(algorithm)) {
            throw new IllegalArgumentException("signing algorithm must be one of " + ALGORITHMS + ", was " + algorithm);
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

    /** The public keys that may have signed a live token: the JWKS document's content (never an HMAC key). */
    public JWKSet publicJwks() {
        return new JWKSet(liveKeys(state())
                .map(SigningKey::publicJwk)
                .filter(Objects::nonNull)
                .toList());
    }

    /** The key that verifies tokens with this id (public, or the secret for HMAC), if it may sign a live token. */
    public Optional<JWK> verificationKey(String kid) {
        var key = find(state(), kid);
        if (key.isEmpty() && state().at.isBefore(clock.instant().minusSeconds(5))) {
            // An unknown kid may come from a key made by another process a moment ago.
            key = find(reload(), kid);
        }
        return key;
    }

    private Optional<JWK> find(Loaded state, String kid) {
        return liveKeys(state)
                .filter(k -> k.kid().equals(kid))
                .findFirst()
                .map(k -> k.publicJwk() != null ? k.publicJwk() : state.secretKeys.get(k.kid()));
    }

    private Stream<SigningKey> liveKeys(Loaded state) {
        var cutoff = clock.instant().minus(tokenLifetime);
        return state.keys.stream()
                .filter(k -> k.retired() == null || k.retired().isAfter(cutoff));
    }

    /** Makes a new signing key; the others retire now and leave the JWKS when their tokens have expired. */
    public synchronized SigningKey rotate() {
        var key = generate();
        store.retireAllBut(key.kid(), clock.instant());
        store.deleteExpired(clock.instant(), tokenLifetime.multipliedBy(2));
        reload();
        rotateListeners.forEach(Runnable::run);
        return key;
    }

    /** Called after each rotation this process makes, so that other nodes read the keys again at once. */
    public void onRotate(Runnable listener) {
        rotateListeners.add(listener);
    }

    /** Reads the keys again now (another node rotated them). */
    public void refresh() {
        reload();
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
        var secretKeys = new HashMap<String, JWK>();
        for (var key : keys) {
            if (key.publicJwk() == null) {
                secretKeys.put(key.kid(), unseal(key));
            }
        }
        var state = new Loaded(List.copyOf(keys), signing, Map.copyOf(secretKeys), clock.instant());
        loaded.set(state);
        return state;
    }

    private SigningKey generate() {
        var kid = secrets.urlSafeToken(12);
        JWK jwk;
        try {
            JWKGenerator<? extends JWK> generator;
            if (algorithm.equals(JWSAlgorithm.RS256)) {
                generator = new RSAKeyGenerator(2048);
            } else if (algorithm.equals(JWSAlgorithm.ES256)) {
                generator = new ECKeyGenerator(Curve.P_256);
            } else if (algorithm.equals(JWSAlgorithm.EdDSA)) {
                generator = new OctetKeyPairGenerator(Curve.Ed25519);
            } else {
                generator = new OctetSequenceKeyGenerator(256);
            }
            jwk = generator
                    .keyID(kid)
                    .algorithm(algorithm)
                    .keyUse(KeyUse.SIGNATURE)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("could not generate a " + algorithm + " key", e);
        }
        // An HMAC key has no public half: it is stored sealed only, and published nowhere.
        var key = new SigningKey(
                kid, algorithm.getName(), jwk.toPublicJWK(), box.seal(jwk.toJSONString(), kid), clock.instant(), null);
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
