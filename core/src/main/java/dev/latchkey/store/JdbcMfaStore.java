package dev.latchkey.store;

import dev.latchkey.mfa.MfaTokenStore;
import dev.latchkey.mfa.RecoveryCodeStore;
import dev.latchkey.mfa.TotpStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The second factors' rows on SQLite or PostgreSQL: TOTP secrets, recovery codes and sign-ins waiting for their
 * second step. Every "once" is one conditional statement (an UPDATE with its condition, a DELETE), so of any number of
 * parallel requests on any number of nodes, exactly one sees the row change.
 */
public final class JdbcMfaStore implements TotpStore, RecoveryCodeStore, MfaTokenStore {
    private static final String FIND_TOTP = "SELECT user_id, sealed_secret, created_at, confirmed_at, last_step,"
            + " last_used_at FROM mfa_totp WHERE user_id = ?";
    private static final String INSERT_PENDING =
            "INSERT INTO mfa_totp (user_id, sealed_secret, created_at, last_step) VALUES (?, ?, ?, -1)"
                    + " ON CONFLICT (user_id) DO UPDATE SET sealed_secret = excluded.sealed_secret,"
                    + " created_at = excluded.created_at WHERE mfa_totp.confirmed_at IS NULL";
    private static final String CONFIRM =
            "UPDATE mfa_totp SET confirmed_at = ?, last_step = ?" + " WHERE user_id = ? AND confirmed_at IS NULL";
    private static final String USE_STEP = "UPDATE mfa_totp SET last_step = ?, last_used_at = ?"
            + " WHERE user_id = ? AND confirmed_at IS NOT NULL AND last_step < ?";
    private static final String DELETE_TOTP = "DELETE FROM mfa_totp WHERE user_id = ?";
    private static final String DELETE_CODES = "DELETE FROM mfa_recovery_codes WHERE user_id = ?";
    private static final String INSERT_CODE =
            "INSERT INTO mfa_recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)";
    private static final String USE_CODE =
            "UPDATE mfa_recovery_codes SET used_at = ?" + " WHERE user_id = ? AND code_hash = ? AND used_at IS NULL";
    private static final String SUMMARY = "SELECT COUNT(*) - COUNT(used_at), MIN(created_at), MAX(used_at)"
            + " FROM mfa_recovery_codes WHERE user_id = ?";
    private static final String INSERT_PENDING_SIGN_IN = "INSERT INTO mfa_pending (token_hash, user_id, client_ip,"
            + " intent, details, attempts, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String FIND_PENDING = "SELECT user_id, client_ip, intent, details, attempts, expires_at"
            + " FROM mfa_pending WHERE token_hash = ?";
    private static final String ATTEMPT = "UPDATE mfa_pending SET attempts = attempts + 1"
            + " WHERE token_hash = ? AND attempts < ? AND expires_at > ?";
    private static final String TAKE = "DELETE FROM mfa_pending WHERE token_hash = ?";
    private static final String DELETE_EXPIRED = "DELETE FROM mfa_pending WHERE expires_at <= ?";

    private final Sql sql;

    public JdbcMfaStore(Database database) {
        this.sql = database.sql();
    }

    @Override
    public Optional<StoredTotp> findByUser(long userId) {
        return sql.one(FIND_TOTP, s -> s.setLong(1, userId), JdbcMfaStore::totp);
    }

    @Override
    public boolean insertPending(long userId, String sealedSecret, Instant now) {
        return sql.update(INSERT_PENDING, s -> {
                    s.setLong(1, userId);
                    s.setString(2, sealedSecret);
                    s.setLong(3, now.toEpochMilli());
                })
                == 1;
    }

    @Override
    public boolean confirm(long userId, long step, Instant now) {
        return sql.update(CONFIRM, s -> {
                    s.setLong(1, now.toEpochMilli());
                    s.setLong(2, step);
                    s.setLong(3, userId);
                })
                == 1;
    }

    @Override
    public boolean useStep(long userId, long step, Instant now) {
        return sql.update(USE_STEP, s -> {
                    s.setLong(1, step);
                    s.setLong(2, now.toEpochMilli());
                    s.setLong(3, userId);
                    s.setLong(4, step);
                })
                == 1;
    }

    @Override
    public boolean delete(long userId) {
        return sql.update(DELETE_TOTP, s -> s.setLong(1, userId)) > 0;
    }

    @Override
    public void replace(long userId, List<String> hashes, Instant now) {
        sql.inTransaction(c -> {
            Sql.update(c, DELETE_CODES, s -> s.setLong(1, userId));
            for (var hash : hashes) {
                Sql.update(c, INSERT_CODE, s -> {
                    s.setLong(1, userId);
                    s.setString(2, hash);
                    s.setLong(3, now.toEpochMilli());
                });
            }
            return null;
        });
    }

    @Override
    public boolean use(long userId, String hash, Instant now) {
        return sql.update(USE_CODE, s -> {
                    s.setLong(1, now.toEpochMilli());
                    s.setLong(2, userId);
                    s.setString(3, hash);
                })
                == 1;
    }

    @Override
    public Optional<Summary> summary(long userId) {
        return sql.one(
                        SUMMARY,
                        s -> s.setLong(1, userId),
                        r -> new Summary(r.getInt(1), Instant.ofEpochMilli(r.getLong(2)), usedAt(r)))
                .filter(summary -> summary.left() > 0);
    }

    @Override
    public void deleteAll(long userId) {
        sql.update(DELETE_CODES, s -> s.setLong(1, userId));
    }

    @Override
    public void insert(String tokenHash, Pending pending) {
        sql.update(INSERT_PENDING_SIGN_IN, s -> {
            s.setString(1, tokenHash);
            s.setLong(2, pending.userId());
            s.setString(3, pending.clientIp());
            s.setString(4, pending.intent());
            s.setString(5, pending.details());
            s.setInt(6, pending.attempts());
            s.setLong(7, pending.expires().toEpochMilli());
        });
    }

    @Override
    public Optional<Pending> find(String tokenHash) {
        return sql.one(
                FIND_PENDING,
                s -> s.setString(1, tokenHash),
                r -> new Pending(
                        r.getLong("user_id"),
                        r.getString("client_ip"),
                        r.getString("intent"),
                        r.getString("details"),
                        r.getInt("attempts"),
                        Instant.ofEpochMilli(r.getLong("expires_at"))));
    }

    @Override
    public boolean attempt(String tokenHash, int max, Instant now) {
        return sql.update(ATTEMPT, s -> {
                    s.setString(1, tokenHash);
                    s.setInt(2, max);
                    s.setLong(3, now.toEpochMilli());
                })
                == 1;
    }

    @Override
    public boolean take(String tokenHash) {
        return sql.update(TAKE, s -> s.setString(1, tokenHash)) == 1;
    }

    @Override
    public int deleteExpired(Instant now) {
        return sql.update(DELETE_EXPIRED, s -> s.setLong(1, now.toEpochMilli()));
    }

    private static StoredTotp totp(ResultSet r) throws SQLException {
        return new StoredTotp(
                r.getLong("user_id"),
                r.getString("sealed_secret"),
                Instant.ofEpochMilli(r.getLong("created_at")),
                Sql.instantOrNull(r, "confirmed_at"),
                r.getLong("last_step"),
                Sql.instantOrNull(r, "last_used_at"));
    }

    private static Instant usedAt(ResultSet r) throws SQLException {
        long at = r.getLong(3);
        return r.wasNull() ? null : Instant.ofEpochMilli(at);
    }
}
