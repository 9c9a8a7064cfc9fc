package dev.latchkey.store;

import com.nimbusds.jose.jwk.JWK;
import dev.latchkey.jwt.SigningKey;
import dev.latchkey.jwt.SigningKeyStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link SigningKeyStore} on SQLite or PostgreSQL. */
public final class JdbcSigningKeyStore implements SigningKeyStore {
    private static final Logger log = LoggerFactory.getLogger(JdbcSigningKeyStore.class);
    private static final String COLUMNS = "kid, algorithm, public_jwk, private_jwk_encrypted, created_at, retired_at";
    private static final String INSERT = "INSERT INTO signing_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, NULL)";
    private static final String ALL = "SELECT " + COLUMNS + " FROM signing_keys ORDER BY created_at DESC, kid";
    private static final String RETIRE = "UPDATE signing_keys SET retired_at = ? WHERE kid <> ? AND retired_at IS NULL";
    private static final String DELETE_RETIRED = "DELETE FROM signing_keys WHERE retired_at < ?";

    private final Sql sql;

    public JdbcSigningKeyStore(Database database) {
        this.sql = database.sql();
    }

    @Override
    public void insert(SigningKey key) {
        sql.update(INSERT, s -> {
            s.setString(1, key.kid());
            s.setString(2, key.algorithm());
            s.setString(3, key.publicJwk() == null ? "" : key.publicJwk().toJSONString());
            s.setString(4, key.sealedPrivateJwk());
            s.setLong(5, key.created().toEpochMilli());
        });
    }

    @Override
    public List<SigningKey> findAll() {
        return sql.list(ALL, s -> {}, JdbcSigningKeyStore::keyOrNull).stream()
                .filter(Objects::nonNull)
                .toList();
    }

    @Override
    public void retireAllBut(String kid, Instant at) {
        sql.update(RETIRE, s -> {
            s.setLong(1, at.toEpochMilli());
            s.setString(2, kid);
        });
    }

    @Override
    public int deleteExpired(Instant now, Duration retiredFor) {
        return sql.update(
                DELETE_RETIRED, s -> s.setLong(1, now.minus(retiredFor).toEpochMilli()));
    }

    private static SigningKey keyOrNull(ResultSet r) throws SQLException {
        var kid = r.getString("kid");
        try {
            var retiredAt = Sql.instantOrNull(r, "retired_at");
            var publicJwk = r.getString("public_jwk");
            return new SigningKey(
                    kid,
                    r.getString("algorithm"),
                    publicJwk.isEmpty() ? null : JWK.parse(publicJwk),
                    r.getString("private_jwk_encrypted"),
                    Instant.ofEpochMilli(r.getLong("created_at")),
                    retiredAt);
        } catch (ParseException | IllegalArgumentException e) {
            log.warn("ignoring unreadable signing key {}: {}", kid, e.getClass().getSimpleName());
            return null;
        }
    }
}
