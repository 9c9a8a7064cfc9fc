package dev.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.latchkey.jwt.SigningKey;
import dev.latchkey.testing.DatabaseTest;
import dev.latchkey.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The same cases on SQLite and on PostgreSQL. */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class JdbcSigningKeyStoreTest extends DatabaseTest {
    private static final Instant T0 = Instant.parse("2026-04-01T08:00:00.500Z");
    private JdbcSigningKeyStore store;

    JdbcSigningKeyStoreTest(TestDatabase.Kind kind) {
        super(kind);
    }

    @BeforeEach
    void setUp() {
        store = new JdbcSigningKeyStore(db.database());
    }

    private static SigningKey es256(String kid, Instant created) throws Exception {
        var jwk = new ECKeyGenerator(Curve.P_256)
                .keyID(kid)
                .algorithm(JWSAlgorithm.ES256)
                .generate();
        return new SigningKey(kid, "ES256", jwk.toPublicJWK(), "sealed:" + kid, created, null);
    }

    private static SigningKey hs256(String kid, Instant created) {
        return new SigningKey(kid, "HS256", null, "sealed:" + kid, created, null);
    }

    @Test
    void keysRoundTripNewestFirstAndAnHmacKeyHasNoPublicHalf() throws Exception {
        var older = es256("older", T0);
        var newer = es256("newer", T0.plusSeconds(60));
        var secret = hs256("secret", T0.plusSeconds(30));
        store.insert(older);
        store.insert(newer);
        store.insert(secret);
        assertThat(store.findAll()).extracting(SigningKey::kid).containsExactly("newer", "secret", "older");
        var found = store.findAll().get(0);
        assertThat(found.algorithm()).isEqualTo("ES256");
        assertThat(found.publicJwk().toJSONString()).isEqualTo(newer.publicJwk().toJSONString());
        assertThat(found.publicJwk().isPrivate()).isFalse();
        assertThat(found.sealedPrivateJwk()).isEqualTo("sealed:newer");
        assertThat(found.created()).isEqualTo(T0.plusSeconds(60));
        assertThat(found.retired()).isNull();
        assertThat(store.findAll().get(1).publicJwk()).isNull();
    }

    @Test
    void retireAllButRetiresTheOthersOnceAndLeavesTheNamedKeySigning() throws Exception {
        store.insert(es256("a", T0));
        store.insert(es256("b", T0.plusSeconds(1)));
        store.retireAllBut("b", T0.plusSeconds(10));
        store.insert(es256("c", T0.plusSeconds(20)));
        store.retireAllBut("c", T0.plusSeconds(30));
        var keys = store.findAll();
        assertThat(keys).extracting(SigningKey::kid).containsExactly("c", "b", "a");
        assertThat(keys).extracting(SigningKey::retired).containsExactly(null, T0.plusSeconds(30), T0.plusSeconds(10));
    }

    @Test
    void deleteExpiredTakesKeysRetiredLongerAgoThanAskedAndNeverTheSigningOne() throws Exception {
        var now = T0.plus(Duration.ofHours(1));
        store.insert(es256("long-retired", T0));
        store.insert(es256("just-retired", T0.plusSeconds(1)));
        store.retireAllBut("just-retired", T0.plusSeconds(5));
        store.insert(es256("signing", T0.plusSeconds(2)));
        store.retireAllBut("signing", now.minus(Duration.ofMinutes(10)));
        assertThat(store.deleteExpired(now, Duration.ofMinutes(10)))
                .as("retired exactly that long ago stays")
                .isEqualTo(1);
        assertThat(store.findAll()).extracting(SigningKey::kid).containsExactly("signing", "just-retired");
        assertThat(store.deleteExpired(now.plus(Duration.ofDays(365)), Duration.ofMinutes(10)))
                .isEqualTo(1);
        assertThat(store.findAll()).extracting(SigningKey::kid).containsExactly("signing");
    }

    @Test
    void anUnreadableRowIsSkippedNotFatal() throws Exception {
        store.insert(es256("good", T0));
        db.database()
                .sql()
                .update(
                        "INSERT INTO signing_keys (kid, algorithm, public_jwk, private_jwk_encrypted,"
                                + " created_at) VALUES ('broken', 'ES256', '{not json', 'x', ?)",
                        s -> s.setLong(1, T0.toEpochMilli()));
        var privateJwk =
                new ECKeyGenerator(Curve.P_256).keyID("leaky").generate().toJSONString();
        db.database()
                .sql()
                .update(
                        "INSERT INTO signing_keys (kid, algorithm, public_jwk, private_jwk_encrypted,"
                                + " created_at) VALUES ('leaky', 'ES256', ?, 'x', ?)",
                        s -> {
                            s.setString(1, privateJwk);
                            s.setLong(2, T0.toEpochMilli());
                        });
        assertThat(store.findAll())
                .as("a public column holding a private key is refused too")
                .extracting(SigningKey::kid)
                .containsExactly("good");
    }
}
