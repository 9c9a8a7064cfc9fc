package dev.latchkey.store;

import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;

/** {@link AuditStore} on SQLite or PostgreSQL. */
public final class JdbcAuditStore implements AuditStore {
    private static final String COLUMNS = "at, kind, user_id, username, outcome, reason, client_ip, user_agent";
    private static final String INSERT = "INSERT INTO audit_events (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
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
    public List<AuditEvent> recentFor(long userId, String kind, int limit) {
        return sql.list(RECENT, s -> {
            s.setLong(1, userId);
            s.setString(2, kind);
            s.setInt(3, limit);
        }, JdbcAuditStore::event);
    }

    private static AuditEvent event(ResultSet r) throws SQLException {
        long userId = r.getLong("user_id");
        var user = r.wasNull() ? null : userId;
        return new AuditEvent(Instant.ofEpochMilli(r.getLong("at")), r.getString("kind"), user,
                r.getString("username"), r.getString("outcome"), r.getString("reason"), r.getString("client_ip"),
                r.getString("user_agent"));
    }
}
