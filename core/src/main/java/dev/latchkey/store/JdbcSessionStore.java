package dev.latchkey.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.session.Session;
import dev.latchkey.session.SessionStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SessionStore} on SQLite or PostgreSQL. A row that cannot be read back (corrupted data, impossible times)
 * is treated as no session and logged by its id hash, never by anything secret.
 */
public final class JdbcSessionStore implements SessionStore {
    private static final Logger log = LoggerFactory.getLogger(JdbcSessionStore.class);
    private static final TypeReference<Map<String, Object>> DATA = new TypeReference<>() {};
    private static final String COLUMNS =
            "id_hash, user_id, data, created_at, last_seen_at, expires_at, user_agent, client_ip";
    private static final String FIND = "SELECT " + COLUMNS + " FROM sessions WHERE id_hash = ?";
    private static final String FIND_BY_USER = "SELECT " + COLUMNS + " FROM sessions WHERE user_id = ?";
    private static final String INSERT = "INSERT INTO sessions (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE =
            "UPDATE sessions SET user_id = ?, data = ?, last_seen_at = ?," + " expires_at = ? WHERE id_hash = ?";
    private static final String UPDATE_LAST_SEEN =
            "UPDATE sessions SET last_seen_at = ?, expires_at = ?" + " WHERE id_hash = ?";
    private static final String DELETE = "DELETE FROM sessions WHERE id_hash = ?";
    private static final String IDS_BY_USER = "SELECT id_hash FROM sessions WHERE user_id = ?";
    private static final String DELETE_BY_USER = "DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?";
    private static final String COUNT_SIGNED_IN =
            "SELECT COUNT(*) FROM sessions WHERE user_id IS NOT NULL" + " AND expires_at > ?";
    // A bounded sub-select keeps each delete short on both databases (neither accepts DELETE ... LIMIT portably).
    private static final String DELETE_EXPIRED =
            "DELETE FROM sessions WHERE id_hash IN" + " (SELECT id_hash FROM sessions WHERE expires_at <= ? LIMIT ?)";

    private final Sql sql;
    private final ObjectMapper json;

    public JdbcSessionStore(Database database, ObjectMapper json) {
        this.sql = database.sql();
        this.json = json;
    }

    @Override
    public Optional<Session> findByIdHash(String idHash) {
        return sql.one(FIND, s -> s.setString(1, idHash), this::sessionOrNull);
    }

    @Override
    public void insert(Session session) {
        sql.update(INSERT, s -> bindInsert(s, session));
    }

    @Override
    public void update(Session session) {
        sql.update(UPDATE, s -> {
            setUser(s, 1, session.userId());
            s.setString(2, write(session.data()));
            s.setLong(3, session.lastSeen().toEpochMilli());
            s.setLong(4, session.expires().toEpochMilli());
            s.setString(5, session.idHash());
        });
    }

    @Override
    public void updateLastSeen(String idHash, Instant lastSeen, Instant expires) {
        sql.update(UPDATE_LAST_SEEN, s -> {
            s.setLong(1, lastSeen.toEpochMilli());
            s.setLong(2, expires.toEpochMilli());
            s.setString(3, idHash);
        });
    }

    @Override
    public void replace(String oldIdHash, Session replacement) {
        sql.inTransaction(c -> {
            if (oldIdHash != null) {
                Sql.update(c, DELETE, s -> s.setString(1, oldIdHash));
            }
            return Sql.update(c, INSERT, s -> bindInsert(s, replacement));
        });
    }

    @Override
    public boolean delete(String idHash) {
        return sql.update(DELETE, s -> s.setString(1, idHash)) > 0;
    }

    @Override
    public List<String> deleteByUser(long userId, String keepIdHash) {
        var keep = Objects.requireNonNullElse(keepIdHash, "");
        return sql.inTransaction(c -> {
            var ids = Sql.list(c, IDS_BY_USER, s -> s.setLong(1, userId), r -> r.getString(1));
            Sql.update(c, DELETE_BY_USER, s -> {
                s.setLong(1, userId);
                s.setString(2, keep);
            });
            return ids.stream().filter(id -> !id.equals(keep)).toList();
        });
    }

    @Override
    public List<Session> findByUser(long userId) {
        return sql.list(FIND_BY_USER, s -> s.setLong(1, userId), this::sessionOrNull).stream()
                .filter(Objects::nonNull)
                .toList();
    }

    @Override
    public long countSignedIn(Instant now) {
        return sql.one(COUNT_SIGNED_IN, s -> s.setLong(1, now.toEpochMilli()), r -> r.getLong(1))
                .orElse(0L);
    }

    @Override
    public int deleteExpired(Instant now, int batch) {
        return sql.update(DELETE_EXPIRED, s -> {
            s.setLong(1, now.toEpochMilli());
            s.setInt(2, batch);
        });
    }

    private void bindInsert(PreparedStatement s, Session session) throws SQLException {
        s.setString(1, session.idHash());
        setUser(s, 2, session.userId());
        s.setString(3, write(session.data()));
        s.setLong(4, session.created().toEpochMilli());
        s.setLong(5, session.lastSeen().toEpochMilli());
        s.setLong(6, session.expires().toEpochMilli());
        s.setString(7, session.userAgent());
        s.setString(8, session.clientIp());
    }

    private static void setUser(PreparedStatement s, int index, Long userId) throws SQLException {
        if (userId == null) {
            s.setNull(index, Types.BIGINT);
        } else {
            s.setLong(index, userId);
        }
    }

    private Session sessionOrNull(ResultSet r) throws SQLException {
        var idHash = r.getString("id_hash");
        try {
            long userId = r.getLong("user_id");
            var user = r.wasNull() ? null : userId;
            Map<String, Object> data = json.readValue(r.getString("data"), DATA);
            return new Session(
                    idHash,
                    user,
                    data,
                    Instant.ofEpochMilli(r.getLong("created_at")),
                    Instant.ofEpochMilli(r.getLong("last_seen_at")),
                    Instant.ofEpochMilli(r.getLong("expires_at")),
                    r.getString("user_agent"),
                    r.getString("client_ip"));
        } catch (JsonProcessingException | RuntimeException e) {
            log.warn(
                    "ignoring unreadable session row {}: {}",
                    idHash,
                    e.getClass().getSimpleName());
            return null;
        }
    }

    private String write(Map<String, Object> data) {
        try {
            return json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("session data must be JSON-compatible", e);
        }
    }
}
