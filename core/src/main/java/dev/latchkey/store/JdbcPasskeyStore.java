package dev.latchkey.store;

import dev.latchkey.error.Conflict;
import dev.latchkey.error.StoreFailure;
import dev.latchkey.webauthn.Passkey;
import dev.latchkey.webauthn.PasskeyStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** {@link PasskeyStore} on SQLite or PostgreSQL; the same SQL on both. */
public final class JdbcPasskeyStore implements PasskeyStore {
    private static final String COLUMNS = "id, user_id, credential_id, public_key_cose, sign_count, transports,"
            + " uv_initialized, backup_eligible, backed_up, aaguid, name, created_at, last_used_at";
    private static final String INSERT = "INSERT INTO passkeys (user_id, credential_id, public_key_cose, sign_count,"
            + " transports, uv_initialized, backup_eligible, backed_up, aaguid, name, created_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String FIND = "SELECT " + COLUMNS + " FROM passkeys WHERE credential_id = ?";
    private static final String FIND_BY_USER = "SELECT " + COLUMNS + " FROM passkeys WHERE user_id = ? ORDER BY id";
    private static final String UPDATE_USE =
            "UPDATE passkeys SET sign_count = ?, backed_up = ?, last_used_at = ? WHERE id = ?";
    private static final String RENAME = "UPDATE passkeys SET name = ? WHERE user_id = ? AND id = ?";
    private static final String DELETE = "DELETE FROM passkeys WHERE user_id = ? AND id = ?";
    private static final String INSERT_HANDLE =
            "INSERT INTO webauthn_user_handles (user_id, handle) VALUES (?, ?)" + " ON CONFLICT (user_id) DO NOTHING";
    private static final String HANDLE = "SELECT handle FROM webauthn_user_handles WHERE user_id = ?";
    private static final String USER_BY_HANDLE = "SELECT user_id FROM webauthn_user_handles WHERE handle = ?";
    private static final String INSERT_CHALLENGE =
            "INSERT INTO webauthn_challenges (challenge_hash, expires_at) VALUES (?, ?)";
    private static final String TAKE_CHALLENGE =
            "DELETE FROM webauthn_challenges WHERE challenge_hash = ? AND expires_at > ?";
    private static final String PURGE_CHALLENGES = "DELETE FROM webauthn_challenges WHERE expires_at <= ?";

    private final Sql sql;

    public JdbcPasskeyStore(Database database) {
        this.sql = database.sql();
    }

    @Override
    public Passkey insert(Passkey p) {
        try {
            sql.update(INSERT, s -> {
                s.setLong(1, p.userId());
                s.setString(2, p.credentialId());
                s.setString(3, Base64.getUrlEncoder().withoutPadding().encodeToString(p.publicKeyCose()));
                s.setLong(4, p.signCount());
                s.setString(5, String.join(",", p.transports()));
                s.setBoolean(6, p.uvInitialized());
                s.setBoolean(7, p.backupEligible());
                s.setBoolean(8, p.backedUp());
                s.setString(9, p.aaguid());
                s.setString(10, p.name());
                s.setLong(11, p.created().toEpochMilli());
            });
        } catch (StoreFailure e) {
            // The unique index on credential_id decided (the same authenticator registered twice, or two racing).
            if (findByCredentialId(p.credentialId()).isPresent()) {
                throw new Conflict("passkey_exists", "this passkey is registered already");
            }
            throw e;
        }
        return findByCredentialId(p.credentialId()).orElseThrow();
    }

    @Override
    public Optional<Passkey> findByCredentialId(String credentialId) {
        return sql.one(FIND, s -> s.setString(1, credentialId), JdbcPasskeyStore::passkey);
    }

    @Override
    public List<Passkey> findByUser(long userId) {
        return sql.list(FIND_BY_USER, s -> s.setLong(1, userId), JdbcPasskeyStore::passkey);
    }

    @Override
    public void updateUse(long id, long signCount, boolean backedUp, Instant at) {
        sql.update(UPDATE_USE, s -> {
            s.setLong(1, signCount);
            s.setBoolean(2, backedUp);
            s.setLong(3, at.toEpochMilli());
            s.setLong(4, id);
        });
    }

    @Override
    public boolean rename(long userId, long id, String name) {
        return sql.update(RENAME, s -> {
                    s.setString(1, name);
                    s.setLong(2, userId);
                    s.setLong(3, id);
                })
                > 0;
    }

    @Override
    public boolean delete(long userId, long id) {
        return sql.deleteOwned(DELETE, userId, id);
    }

    @Override
    public String handleOf(long userId, String fresh) {
        var existing = sql.one(HANDLE, s -> s.setLong(1, userId), r -> r.getString(1));
        if (existing.isPresent()) {
            return existing.get();
        }
        sql.update(INSERT_HANDLE, s -> {
            s.setLong(1, userId);
            s.setString(2, fresh);
        });
        return sql.one(HANDLE, s -> s.setLong(1, userId), r -> r.getString(1)).orElseThrow();
    }

    @Override
    public Optional<Long> findUserByHandle(String handle) {
        return sql.one(USER_BY_HANDLE, s -> s.setString(1, handle), r -> r.getLong(1));
    }

    @Override
    public void insertChallenge(String challengeHash, Instant expires) {
        sql.update(INSERT_CHALLENGE, s -> {
            s.setString(1, challengeHash);
            s.setLong(2, expires.toEpochMilli());
        });
    }

    @Override
    public boolean takeChallenge(String challengeHash, Instant now) {
        return sql.update(TAKE_CHALLENGE, s -> {
                    s.setString(1, challengeHash);
                    s.setLong(2, now.toEpochMilli());
                })
                == 1;
    }

    @Override
    public int deleteExpiredChallenges(Instant now) {
        return sql.update(PURGE_CHALLENGES, s -> s.setLong(1, now.toEpochMilli()));
    }

    private static Passkey passkey(ResultSet r) throws SQLException {
        var transports = r.getString("transports");
        return new Passkey(
                r.getLong("id"),
                r.getLong("user_id"),
                r.getString("credential_id"),
                Base64.getUrlDecoder().decode(r.getString("public_key_cose")),
                r.getLong("sign_count"),
                transports.isEmpty() ? List.of() : Arrays.asList(transports.split(",", -1)),
                r.getBoolean("uv_initialized"),
                r.getBoolean("backup_eligible"),
                r.getBoolean("backed_up"),
                r.getString("aaguid"),
                r.getString("name"),
                Instant.ofEpochMilli(r.getLong("created_at")),
                Sql.instantOrNull(r, "last_used_at"));
    }
}
