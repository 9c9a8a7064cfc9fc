package dev.latchkey.store;

import dev.latchkey.token.ApiToken;
import dev.latchkey.token.ApiTokenStore;
import dev.latchkey.token.ApiTokens;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link ApiTokenStore} on SQLite or PostgreSQL. */
public final class JdbcApiTokenStore implements ApiTokenStore {
    private static final String COLUMNS =
            "id, user_id, name, key_prefix, created_at, expires_at, last_used_at, created_by";
    private static final String INSERT = "INSERT INTO api_tokens (user_id, name, key_hash, key_prefix, created_at,"
            + " expires_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String FIND = "SELECT " + COLUMNS + " FROM api_tokens WHERE key_hash = ?";
    private static final String FIND_BY_USER =
            "SELECT " + COLUMNS + " FROM api_tokens WHERE user_id = ?" + " ORDER BY created_at DESC, id DESC";
    private static final String DELETE = "DELETE FROM api_tokens WHERE user_id = ? AND id = ?";
    private static final String DELETE_CREATED_BY = "DELETE FROM api_tokens WHERE user_id = ? AND created_by = ?";
    private static final String UPDATE_LAST_USED = "UPDATE api_tokens SET last_used_at = ? WHERE id = ?";
    private static final String DELETE_EXPIRED = "DELETE FROM api_tokens WHERE expires_at <= ?";

    private final Sql sql;

    public JdbcApiTokenStore(Database database) {
        this.sql = database.sql();
    }

    @Override
    public ApiToken insert(
            long userId,
            String name,
            String keyHash,
            String prefix,
            Instant created,
            Instant expires,
            ApiTokens.Origin createdBy) {
        sql.update(INSERT, s -> {
            s.setString(7, createdBy.column());
            s.setLong(1, userId);
            s.setString(2, name);
            s.setString(3, keyHash);
            s.setString(4, prefix);
            s.setLong(5, created.toEpochMilli());
            if (expires == null) {
                s.setNull(6, Types.BIGINT);
            } else {
                s.setLong(6, expires.toEpochMilli());
            }
        });
        return findByKeyHash(keyHash).orElseThrow();
    }

    @Override
    public Optional<ApiToken> findByKeyHash(String keyHash) {
        return sql.one(FIND, s -> s.setString(1, keyHash), JdbcApiTokenStore::token);
    }

    @Override
    public List<ApiToken> findByUser(long userId) {
        return sql.list(FIND_BY_USER, s -> s.setLong(1, userId), JdbcApiTokenStore::token);
    }

    @Override
    public boolean delete(long userId, long id) {
        return sql.deleteOwned(DELETE, userId, id);
    }

    @Override
    public void updateLastUsed(long id, Instant lastUsed) {
        sql.update(UPDATE_LAST_USED, s -> {
            s.setLong(1, lastUsed.toEpochMilli());
            s.setLong(2, id);
        });
    }

    @Override
    public int deleteExpired(Instant now) {
        return sql.update(DELETE_EXPIRED, s -> s.setLong(1, now.toEpochMilli()));
    }

    @Override
    public int deleteCreatedBy(long userId, ApiTokens.Origin createdBy) {
        return sql.update(DELETE_CREATED_BY, s -> {
            s.setLong(1, userId);
            s.setString(2, createdBy.column());
        });
    }

    private static ApiToken token(ResultSet r) throws SQLException {
        return new ApiToken(
                r.getLong("id"),
                r.getLong("user_id"),
                r.getString("name"),
                r.getString("key_prefix"),
                Instant.ofEpochMilli(r.getLong("created_at")),
                Sql.instantOrNull(r, "expires_at"),
                Sql.instantOrNull(r, "last_used_at"),
                ApiTokens.Origin.ofColumn(r.getString("created_by")));
    }
}
