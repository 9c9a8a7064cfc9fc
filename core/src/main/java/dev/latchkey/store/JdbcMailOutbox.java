package dev.latchkey.store;

import dev.latchkey.mail.Outbox;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@link Outbox} on SQLite or PostgreSQL. */
public final class JdbcMailOutbox implements Outbox {
    private static final String INSERT =
            "INSERT INTO mail_outbox (recipient, kind, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)";
    private static final String DUE = "SELECT id, recipient, kind, body, attempts, created_at FROM mail_outbox"
            + " WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?"
            + " AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY id LIMIT ?";
    private static final String CLAIM = "UPDATE mail_outbox SET claimed_until = ?"
            + " WHERE id = ? AND sent_at IS NULL AND failed_at IS NULL AND (claimed_until IS NULL OR claimed_until < ?)";
    private static final String SENT = "UPDATE mail_outbox SET sent_at = ?, body = '', claimed_until = NULL,"
            + " attempts = attempts + 1, last_error = '' WHERE id = ?";
    private static final String RETRY = "UPDATE mail_outbox SET next_attempt_at = ?, attempts = attempts + 1,"
            + " last_error = ?, claimed_until = NULL WHERE id = ?";
    private static final String FAILED = "UPDATE mail_outbox SET failed_at = ?, body = '', attempts = attempts + 1,"
            + " last_error = ?, claimed_until = NULL WHERE id = ?";
    private static final String COUNT_QUEUED =
            "SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL";
    private static final String DELETE_FINISHED = "DELETE FROM mail_outbox"
            + " WHERE (sent_at IS NOT NULL AND sent_at < ?) OR (failed_at IS NOT NULL AND failed_at < ?)";

    private final Sql sql;

    public JdbcMailOutbox(Database database) {
        this.sql = database.sql();
    }

    @Override
    public void enqueue(List<Outgoing> mails, Instant now) {
        if (!mails.isEmpty()) {
            sql.inTransaction(c -> {
                insert(c, mails, now);
                return null;
            });
        }
    }

    /** Writes mails on a connection whose transaction also writes what they carry. */
    static void insert(Connection c, List<Outgoing> mails, Instant now) throws SQLException {
        for (var mail : mails) {
            Sql.update(c, INSERT, s -> {
                s.setString(1, mail.recipient());
                s.setString(2, mail.kind());
                s.setString(3, mail.sealedBody());
                s.setLong(4, now.toEpochMilli());
                s.setLong(5, now.toEpochMilli());
            });
        }
    }

    @Override
    public List<Queued> claimDue(Instant now, Duration lease, int limit) {
        long at = now.toEpochMilli();
        return sql.inTransaction(c -> {
            var due = Sql.list(
                    c,
                    DUE,
                    s -> {
                        s.setLong(1, at);
                        s.setLong(2, at);
                        s.setInt(3, limit);
                    },
                    r -> new Queued(
                            r.getLong("id"),
                            r.getString("recipient"),
                            r.getString("kind"),
                            r.getString("body"),
                            r.getInt("attempts"),
                            Instant.ofEpochMilli(r.getLong("created_at"))));
            var claimed = new ArrayList<Queued>();
            for (var mail : due) {
                int updated = Sql.update(c, CLAIM, s -> {
                    s.setLong(1, at + lease.toMillis());
                    s.setLong(2, mail.id());
                    s.setLong(3, at);
                });
                if (updated == 1) {
                    claimed.add(mail);
                }
            }
            return claimed;
        });
    }

    @Override
    public void markSent(long id, Instant at) {
        sql.update(SENT, s -> {
            s.setLong(1, at.toEpochMilli());
            s.setLong(2, id);
        });
    }

    @Override
    public void retryAt(long id, Instant next, String error) {
        sql.update(RETRY, s -> {
            s.setLong(1, next.toEpochMilli());
            s.setString(2, error);
            s.setLong(3, id);
        });
    }

    @Override
    public void markFailed(long id, Instant at, String error) {
        sql.update(FAILED, s -> {
            s.setLong(1, at.toEpochMilli());
            s.setString(2, error);
            s.setLong(3, id);
        });
    }

    @Override
    public long countQueued() {
        return sql.one(COUNT_QUEUED, s -> {}, r -> r.getLong(1)).orElse(0L);
    }

    @Override
    public int deleteFinishedBefore(Instant before) {
        return sql.update(DELETE_FINISHED, s -> {
            s.setLong(1, before.toEpochMilli());
            s.setLong(2, before.toEpochMilli());
        });
    }
}
