package dev.latchkey.store;

import dev.latchkey.jwt.StoredRefreshToken;
import dev.latchkey.jwt.TokenFamily;
import dev.latchkey.jwt.TokenFamilyStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link TokenFamilyStore} on SQLite or PostgreSQL. */
public final class JdbcTokenFamilyStore implements TokenFamilyStore {
    private static final String FAMILY_COLUMNS = "f.id, f.user_id, f.session_hash, f.created_at, f.expires_at,"
            + " f.revoked_at, f.amr, f.client_id, f.scope, f.auth_time";
    private static final String INSERT_FAMILY = "INSERT INTO token_families (id, user_id, session_hash, created_at,"
            + " expires_at, amr, client_id, scope, auth_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (id) DO NOTHING";
    private static final String INSERT_REVOKED = "INSERT INTO token_families (id, user_id, session_hash, created_at,"
            + " expires_at, amr, client_id, scope, auth_time, revoked_at, revoked_reason)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";
    private static final String FIND_FAMILY = "SELECT " + "f.id, f.user_id, f.session_hash, f.created_at, f.expires_at,"
            + " f.revoked_at, f.amr, f.client_id, f.scope, f.auth_time FROM token_families f WHERE f.id = ?";
    private static final String LIVE_FOR_CLIENT =
            "SELECT id FROM token_families WHERE client_id = ? AND revoked_at IS NULL";
    private static final String LIVE_FOR_CLIENT_AND_USER =
            "SELECT id FROM token_families WHERE client_id = ? AND user_id = ? AND revoked_at IS NULL";
    private static final String INSERT_TOKEN =
            "INSERT INTO refresh_tokens (token_hash, family_id, issued_at," + " expires_at) VALUES (?, ?, ?, ?)";
    private static final String FIND_TOKEN = "SELECT t.token_hash, t.issued_at, t.expires_at AS token_expires_at,"
            + " t.spent_at, " + FAMILY_COLUMNS + " FROM refresh_tokens t JOIN token_families f ON f.id = t.family_id"
            + " WHERE t.token_hash = ?";
    // The one statement that decides a race: of many exchanges of one token, exactly one sees it unspent.
    private static final String SPEND = "UPDATE refresh_tokens SET spent_at = ? WHERE token_hash = ? AND family_id = ?"
            + " AND spent_at IS NULL AND expires_at > ?"
            + " AND EXISTS (SELECT 1 FROM token_families f WHERE f.id = ? AND f.revoked_at IS NULL)";
    private static final String REVOKE =
            "UPDATE token_families SET revoked_at = ?, revoked_reason = ?" + " WHERE id = ? AND revoked_at IS NULL";
    private static final String LIVE_FOR_USER =
            "SELECT id FROM token_families WHERE user_id = ?" + " AND revoked_at IS NULL";
    private static final String LIVE_FOR_SESSION =
            "SELECT id FROM token_families WHERE session_hash = ?" + " AND revoked_at IS NULL";
    private static final String REVOKED_SINCE =
            "SELECT " + FAMILY_COLUMNS + " FROM token_families f" + " WHERE f.revoked_at >= ?";
    private static final String DELETE_EXPIRED_TOKENS = "DELETE FROM refresh_tokens WHERE expires_at < ?";
    private static final String DELETE_ENDED_FAMILIES =
            "DELETE FROM token_families WHERE expires_at < ?" + " OR revoked_at < ?";

    private final Sql sql;

    public JdbcTokenFamilyStore(Database database) {
        this.sql = database.sql();
    }

    @Override
    public boolean insert(TokenFamily family, String firstTokenHash, Instant tokenExpires) {
        return sql.inTransaction(c -> {
            if (Sql.update(c, INSERT_FAMILY, s -> bindFamily(s, family)) != 1) {
                return false;
            }
            insertToken(c, firstTokenHash, family.id(), family.created(), tokenExpires);
            return true;
        });
    }

    @Override
    public Optional<TokenFamily> findFamily(String familyId) {
        return sql.one(FIND_FAMILY, s -> s.setString(1, familyId), JdbcTokenFamilyStore::family);
    }

    @Override
    public boolean forbid(TokenFamily family, Instant now, String reason) {
        return sql.inTransaction(c -> {
            Sql.update(c, INSERT_REVOKED, s -> {
                bindFamily(s, family);
                s.setLong(10, now.toEpochMilli());
                s.setString(11, reason);
            });
            return revokeAll(c, List.of(family.id()), now, reason).size() == 1;
        });
    }

    @Override
    public List<String> revokeForClient(String clientId, Long userId, Instant now, String reason) {
        return sql.inTransaction(c -> revokeAll(
                c,
                userId == null
                        ? Sql.list(c, LIVE_FOR_CLIENT, s -> s.setString(1, clientId), r -> r.getString(1))
                        : Sql.list(
                                c,
                                LIVE_FOR_CLIENT_AND_USER,
                                s -> {
                                    s.setString(1, clientId);
                                    s.setLong(2, userId);
                                },
                                r -> r.getString(1)),
                now,
                reason));
    }

    private static void bindFamily(java.sql.PreparedStatement s, TokenFamily family) throws SQLException {
        s.setString(1, family.id());
        s.setLong(2, family.userId());
        if (family.sessionHash() == null) {
            s.setNull(3, Types.CHAR);
        } else {
            s.setString(3, family.sessionHash());
        }
        s.setLong(4, family.created().toEpochMilli());
        s.setLong(5, family.expires().toEpochMilli());
        s.setString(6, String.join(" ", family.amr()));
        var delegation = family.delegation();
        if (delegation == null) {
            s.setNull(7, Types.VARCHAR);
            s.setNull(8, Types.VARCHAR);
            s.setNull(9, Types.BIGINT);
        } else {
            s.setString(7, delegation.clientId());
            s.setString(8, delegation.scope());
            s.setLong(9, delegation.authTime().getEpochSecond());
        }
    }

    @Override
    public Optional<StoredRefreshToken> findRefreshByHash(String tokenHash) {
        return sql.one(
                FIND_TOKEN,
                s -> s.setString(1, tokenHash),
                r -> new StoredRefreshToken(
                        r.getString("token_hash"),
                        family(r),
                        Instant.ofEpochMilli(r.getLong("issued_at")),
                        Instant.ofEpochMilli(r.getLong("token_expires_at")),
                        Sql.instantOrNull(r, "spent_at")));
    }

    @Override
    public boolean exchange(String tokenHash, String familyId, Instant now, String nextHash, Instant nextExpires) {
        return sql.inTransaction(c -> {
            int spent = Sql.update(c, SPEND, s -> {
                s.setLong(1, now.toEpochMilli());
                s.setString(2, tokenHash);
                s.setString(3, familyId);
                s.setLong(4, now.toEpochMilli());
                s.setString(5, familyId);
            });
            if (spent != 1) {
                return false;
            }
            insertToken(c, nextHash, familyId, now, nextExpires);
            return true;
        });
    }

    @Override
    public boolean revoke(String familyId, Instant now, String reason) {
        return sql.update(REVOKE, s -> {
                    s.setLong(1, now.toEpochMilli());
                    s.setString(2, reason);
                    s.setString(3, familyId);
                })
                == 1;
    }

    @Override
    public List<String> revokeForUser(long userId, Instant now, String reason) {
        return sql.inTransaction(c ->
                revokeAll(c, Sql.list(c, LIVE_FOR_USER, s -> s.setLong(1, userId), r -> r.getString(1)), now, reason));
    }

    @Override
    public List<String> revokeForSessions(List<String> sessionHashes, Instant now, String reason) {
        if (sessionHashes.isEmpty()) {
            return List.of();
        }
        return sql.inTransaction(c -> {
            var ids = new ArrayList<String>();
            for (var hash : sessionHashes) {
                ids.addAll(Sql.list(c, LIVE_FOR_SESSION, s -> s.setString(1, hash), r -> r.getString(1)));
            }
            return revokeAll(c, ids, now, reason);
        });
    }

    @Override
    public List<TokenFamily> findRevokedSince(Instant since) {
        return sql.list(REVOKED_SINCE, s -> s.setLong(1, since.toEpochMilli()), JdbcTokenFamilyStore::family);
    }

    @Override
    public int deleteExpired(Instant now, Duration remembered) {
        var before = now.minus(remembered);
        return sql.inTransaction(c -> {
            int tokens = Sql.update(c, DELETE_EXPIRED_TOKENS, s -> s.setLong(1, before.toEpochMilli()));
            int families = Sql.update(c, DELETE_ENDED_FAMILIES, s -> {
                s.setLong(1, before.toEpochMilli());
                s.setLong(2, before.toEpochMilli());
            });
            return tokens + families;
        });
    }

    private static List<String> revokeAll(Connection c, List<String> ids, Instant now, String reason)
            throws SQLException {
        var revoked = new ArrayList<String>();
        for (var id : ids) {
            int changed = Sql.update(c, REVOKE, s -> {
                s.setLong(1, now.toEpochMilli());
                s.setString(2, reason);
                s.setString(3, id);
            });
            if (changed == 1) {
                revoked.add(id);
            }
        }
        return revoked;
    }

    private static void insertToken(Connection c, String hash, String familyId, Instant issued, Instant expires)
            throws SQLException {
        Sql.update(c, INSERT_TOKEN, s -> {
            s.setString(1, hash);
            s.setString(2, familyId);
            s.setLong(3, issued.toEpochMilli());
            s.setLong(4, expires.toEpochMilli());
        });
    }

    private static TokenFamily family(ResultSet r) throws SQLException {
        return new TokenFamily(
                r.getString("id"),
                r.getLong("user_id"),
                r.getString("session_hash"),
                Instant.ofEpochMilli(r.getLong("created_at")),
                Instant.ofEpochMilli(r.getLong("expires_at")),
                Sql.instantOrNull(r, "revoked_at"),
                amr(r.getString("amr")),
                delegation(r));
    }

    private static dev.latchkey.jwt.Delegation delegation(ResultSet r) throws SQLException {
        var client = r.getString("client_id");
        if (client == null) {
            return null;
        }
        return new dev.latchkey.jwt.Delegation(
                client, r.getString("scope"), Instant.ofEpochSecond(r.getLong("auth_time")));
    }

    private static java.util.List<String> amr(String column) {
        return column == null || column.isEmpty() ? java.util.List.of() : java.util.List.of(column.split(" ", -1));
    }
}
