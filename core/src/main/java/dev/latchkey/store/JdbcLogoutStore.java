package dev.latchkey.store;

import dev.latchkey.provider.LogoutStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@link LogoutStore} on SQLite or PostgreSQL. */
public final class JdbcLogoutStore implements LogoutStore {
    private static final String SIGNED_IN = "INSERT INTO oidc_session_clients (session_hash, client_id, user_id,"
            + " created_at) VALUES (?, ?, ?, ?) ON CONFLICT (session_hash, client_id) DO NOTHING";
    private static final String FOR_SESSION =
            "SELECT session_hash, client_id, user_id FROM oidc_session_clients WHERE session_hash = ?";
    private static final String ENQUEUE = "INSERT INTO oidc_logout_outbox (client_id, subject, sid, attempts,"
            + " next_attempt_at, created_at) VALUES (?, ?, ?, 0, ?, ?)";
    private static final String DUE = "SELECT id, client_id, subject, sid, attempts FROM oidc_logout_outbox"
            + " WHERE next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?";

    private final Sql sql;

    public JdbcLogoutStore(Database database) {
        this.sql = database.sql();
    }

    @Override
    public void signedIn(String sessionHash, String clientId, long userId, Instant now) {
        sql.update(SIGNED_IN, s -> {
            s.setString(1, sessionHash);
            s.setString(2, clientId);
            s.setLong(3, userId);
            s.setLong(4, now.toEpochMilli());
        });
    }

    @Override
    public boolean isSignedIn(String sessionHash, String clientId) {
        return sql.one(
                        "SELECT 1 FROM oidc_session_clients WHERE session_hash = ? AND client_id = ?",
                        s -> {
                            s.setString(1, sessionHash);
                            s.setString(2, clientId);
                        },
                        r -> 1)
                .isPresent();
    }

    @Override
    public List<SessionClient> takeForSessions(List<String> sessionHashes) {
        if (sessionHashes.isEmpty()) {
            return List.of();
        }
        return sql.inTransaction(c -> {
            var taken = new ArrayList<SessionClient>();
            for (var hash : sessionHashes) {
                taken.addAll(Sql.list(
                        c,
                        FOR_SESSION,
                        s -> s.setString(1, hash),
                        r -> new SessionClient(r.getString(1), r.getString(2), r.getLong(3))));
                Sql.update(c, "DELETE FROM oidc_session_clients WHERE session_hash = ?", s -> s.setString(1, hash));
            }
            return taken;
        });
    }

    @Override
    public void enqueue(String clientId, String subject, String sid, Instant now) {
        sql.update(ENQUEUE, s -> {
            s.setString(1, clientId);
            s.setString(2, subject);
            s.setString(3, sid);
            s.setLong(4, now.toEpochMilli());
            s.setLong(5, now.toEpochMilli());
        });
    }

    @Override
    public List<Notice> due(Instant now, int limit) {
        return sql.list(
                DUE,
                s -> {
                    s.setLong(1, now.toEpochMilli());
                    s.setInt(2, limit);
                },
                r -> new Notice(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getInt(5)));
    }

    @Override
    public void delete(long noticeId) {
        sql.update("DELETE FROM oidc_logout_outbox WHERE id = ?", s -> s.setLong(1, noticeId));
    }

    @Override
    public void retryAt(long noticeId, int attempts, Instant next) {
        sql.update("UPDATE oidc_logout_outbox SET attempts = ?, next_attempt_at = ? WHERE id = ?", s -> {
            s.setInt(1, attempts);
            s.setLong(2, next.toEpochMilli());
            s.setLong(3, noticeId);
        });
    }
}
