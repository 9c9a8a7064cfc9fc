package dev.latchkey.store;

import dev.latchkey.audit.AuditEntry;
import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditQuery;
import dev.latchkey.audit.AuditStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@link AuditStore} on SQLite or PostgreSQL. */
public final class JdbcAuditStore implements AuditStore {
    private static final String COLUMNS = "at, kind, user_id, username, outcome, reason, client_ip, user_agent";
    private static final String INSERT = "INSERT INTO audit_events (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final int PURGE_BATCH = 1_000;
    private static final String PURGE = "DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events"
            + " WHERE at < ? ORDER BY id LIMIT " + PURGE_BATCH + ")";
    private static final String RECENT = "SELECT " + COLUMNS + " FROM audit_events WHERE user_id = ? AND kind = ?"
            + " ORDER BY at DESC, id DESC LIMIT ?";

    private final Sql sql;

    public JdbcAuditStore(Database database) {
        this.sql = database.sql();
    }

    @Override
    public void append(AuditEvent e) {
        sql.update(INSERT, s -> {
            s.setLong(1, e.at().toEpochMilli());
            s.setString(2, e.kind());
            if (e.userId() == null) {
                s.setNull(3, Types.BIGINT);
            } else {
                s.setLong(3, e.userId());
            }
            s.setString(4, e.username());
            s.setString(5, e.outcome());
            s.setString(6, e.reason());
            s.setString(7, e.clientIp());
            s.setString(8, e.userAgent());
        });
    }

    @Override
    public List<AuditEvent> findRecentByUser(long userId, String kind, int limit) {
        return sql.list(
                RECENT,
                s -> {
                    s.setLong(1, userId);
                    s.setString(2, kind);
                    s.setInt(3, limit);
                },
                JdbcAuditStore::event);
    }

    @Override
    public List<AuditEntry> search(AuditQuery q) {
        var where = new ArrayList<String>();
        var values = new ArrayList<Object>();
        filter(where, values, "user_id = ?", q.userId());
        filter(where, values, "kind = ?", q.kind());
        filter(where, values, "at >= ?", q.since() == null ? null : q.since().toEpochMilli());
        filter(where, values, "at < ?", q.until() == null ? null : q.until().toEpochMilli());
        filter(where, values, "id < ?", q.beforeId());
        var query = "SELECT id, " + COLUMNS + " FROM audit_events"
                + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY id DESC LIMIT " + q.limit();
        return sql.list(
                query,
                s -> {
                    for (int i = 0; i < values.size(); i++) {
                        s.setObject(i + 1, values.get(i));
                    }
                },
                r -> new AuditEntry(r.getLong("id"), event(r)));
    }

    @Override
    public int deleteExpired(Instant now, Duration retention) {
        var before = now.minus(retention);
        int total = 0;
        int deleted;
        do {
            deleted = sql.update(PURGE, s -> s.setLong(1, before.toEpochMilli()));
            total += deleted;
        } while (deleted == PURGE_BATCH);
        return total;
    }

    private static void filter(List<String> where, List<Object> values, String condition, Object value) {
        if (value != null) {
            where.add(condition);
            values.add(value);
        }
    }

    private static AuditEvent event(ResultSet r) throws SQLException {
        long userId = r.getLong("user_id");
        var user = r.wasNull() ? null : userId;
        return new AuditEvent(
                Instant.ofEpochMilli(r.getLong("at")),
                r.getString("kind"),
                user,
                r.getString("username"),
                r.getString("outcome"),
                r.getString("reason"),
                r.getString("client_ip"),
                r.getString("user_agent"));
    }
}
