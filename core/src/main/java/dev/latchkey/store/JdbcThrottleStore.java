package dev.latchkey.store;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.throttle.Rule;
import dev.latchkey.throttle.ThrottleStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * {@link ThrottleStore} in PostgreSQL, shared by every node on the database: each operation is one transaction that
 * first locks the key's row ({@code SELECT ... FOR UPDATE}), so that attempts on any number of nodes are counted one
 * at a time and no more are granted than the rule allows. Times are the callers' ({@code now}), as in memory.
 */
public final class JdbcThrottleStore implements ThrottleStore {
    /** How long a client refused for a full budget of attempts in flight should wait: about one hash. */
    static final Duration IN_FLIGHT_WAIT = Duration.ofSeconds(1);
    /** An attempt in flight longer than this lost its answer (a crash mid-request) and stops holding budget. */
    static final Duration IN_FLIGHT_LIMIT = Duration.ofMinutes(1);
    /** A key untouched this long is forgotten by {@link #purgeIdle}, growing delay included. */
    static final Duration FORGET_AFTER = Duration.ofDays(1);
    /** The longest key stored as it is (the column holds 512). */
    static final int MAX_KEY = 256;

    // One statement makes the row if missing, locks it (an upsert's update takes the row lock) and reads it. A
    // separate insert-if-missing and SELECT … FOR UPDATE would leave a gap in which another transaction that
    // forgets the key deletes the row, and the select then finds nothing.
    private static final String LOCK = "INSERT INTO throttle_keys (throttle_key, blocks, touched_at) VALUES (?, 0, ?)"
            + " ON CONFLICT (throttle_key) DO UPDATE SET touched_at = excluded.touched_at"
            + " RETURNING blocked_until, blocks";
    private static final String BLOCKED = "SELECT blocked_until FROM throttle_keys WHERE throttle_key = ?";
    private static final String PRUNE = "DELETE FROM throttle_attempts WHERE throttle_key = ?"
            + " AND ((failed AND happened_at <= ?) OR (NOT failed AND happened_at <= ?))";
    private static final String COUNT_ALL = "SELECT COUNT(*) FROM throttle_attempts WHERE throttle_key = ?";
    private static final String COUNT_FAILED =
            "SELECT COUNT(*) FROM throttle_attempts WHERE throttle_key = ? AND failed";
    private static final String INSERT_ATTEMPT =
            "INSERT INTO throttle_attempts (throttle_key, failed, happened_at) VALUES (?, ?, ?)";
    private static final String DELETE_ONE_IN_FLIGHT = "DELETE FROM throttle_attempts WHERE id IN (SELECT id FROM"
            + " throttle_attempts WHERE throttle_key = ? AND NOT failed AND happened_at = ? LIMIT 1)";
    private static final String DELETE_FAILURES = "DELETE FROM throttle_attempts WHERE throttle_key = ? AND failed";
    private static final String BLOCK = "UPDATE throttle_keys SET blocked_until = ?, blocks = ? WHERE throttle_key = ?";
    private static final String DELETE_ATTEMPTS = "DELETE FROM throttle_attempts WHERE throttle_key = ?";
    private static final String DELETE_KEY = "DELETE FROM throttle_keys WHERE throttle_key = ?";
    private static final String PURGE_ATTEMPTS = "DELETE FROM throttle_attempts WHERE throttle_key IN"
            + " (SELECT throttle_key FROM throttle_keys WHERE touched_at < ?"
            + " AND (blocked_until IS NULL OR blocked_until < ?))";
    private static final String PURGE_KEYS =
            "DELETE FROM throttle_keys WHERE touched_at < ?" + " AND (blocked_until IS NULL OR blocked_until < ?)";

    private final Sql sql;

    public JdbcThrottleStore(Database database) {
        this.sql = database.sql();
    }

    private record Locked(Instant blockedUntil, int blocks) {}

    @Override
    public Optional<Instant> blockedUntil(String anyKey, Instant now) {
        var key = column(anyKey);
        return sql.one(BLOCKED, s -> s.setString(1, key), r -> Sql.instantOrNull(r, "blocked_until"))
                .filter(until -> until.isAfter(now));
    }

    @Override
    public Optional<Instant> reserve(String anyKey, Instant now, Rule rule, Duration maxBlock) {
        var key = column(anyKey);
        return sql.inTransaction(c -> {
            var locked = lock(c, key, now);
            if (locked.blockedUntil != null && locked.blockedUntil.isAfter(now)) {
                return Optional.of(locked.blockedUntil);
            }
            prune(c, key, now, rule);
            if (count(c, COUNT_ALL, key) >= rule.limit()) {
                // The budget is spoken for by attempts still being checked: wait for them, no block is started.
                return Optional.of(now.plus(IN_FLIGHT_WAIT));
            }
            insertAttempt(c, key, false, now);
            return Optional.empty();
        });
    }

    @Override
    public Optional<Instant> failed(String anyKey, Instant reservedAt, Instant now, Rule rule, Duration maxBlock) {
        var key = column(anyKey);
        return sql.inTransaction(c -> {
            var locked = lock(c, key, now);
            deleteOneInFlight(c, key, reservedAt);
            prune(c, key, now, rule);
            insertAttempt(c, key, true, now);
            if (count(c, COUNT_FAILED, key) < rule.limit()) {
                return Optional.<Instant>empty();
            }
            Sql.update(c, DELETE_FAILURES, s -> s.setString(1, key));
            var block = rule.window().multipliedBy(1L << Math.min(locked.blocks, 20));
            var until = now.plus(block.compareTo(maxBlock) > 0 ? maxBlock : block);
            Sql.update(c, BLOCK, s -> {
                s.setLong(1, until.toEpochMilli());
                s.setInt(2, locked.blocks + 1);
                s.setString(3, key);
            });
            return Optional.of(until);
        });
    }

    @Override
    public void release(String anyKey, Instant reservedAt) {
        var key = column(anyKey);
        sql.withConnection(c -> {
            deleteOneInFlight(c, key, reservedAt);
            return null;
        });
    }

    @Override
    public void reset(String anyKey) {
        var key = column(anyKey);
        sql.inTransaction(c -> {
            Sql.update(c, DELETE_ATTEMPTS, s -> s.setString(1, key));
            Sql.update(c, DELETE_KEY, s -> s.setString(1, key));
            return null;
        });
    }

    /** Forgets keys untouched for a day and no longer blocked, with their attempts; answers how many keys went. */
    public int purgeIdle(Instant now) {
        var idleSince = now.minus(FORGET_AFTER).toEpochMilli();
        return sql.inTransaction(c -> {
            Sql.update(c, PURGE_ATTEMPTS, s -> {
                s.setLong(1, idleSince);
                s.setLong(2, now.toEpochMilli());
            });
            return Sql.update(c, PURGE_KEYS, s -> {
                s.setLong(1, idleSince);
                s.setLong(2, now.toEpochMilli());
            });
        });
    }

    /**
     * The key as stored: as it is up to {@link #MAX_KEY} characters, else its SHA-256 — a key holds a username as
     * typed, which may be any length before it is refused.
     */
    static String column(String key) {
        return key.length() <= MAX_KEY ? key : "sha256:" + Secrets.sha256Hex(key);
    }

    /** The key's row, made if missing and locked until the transaction ends. */
    private static Locked lock(Connection c, String key, Instant now) throws SQLException {
        return Sql.list(
                        c,
                        LOCK,
                        s -> {
                            s.setString(1, key);
                            s.setLong(2, now.toEpochMilli());
                        },
                        r -> new Locked(Sql.instantOrNull(r, "blocked_until"), r.getInt("blocks")))
                .get(0);
    }

    /** Forgets failures out of the window, and attempts in flight so long that their answer was lost. */
    private static void prune(Connection c, String key, Instant now, Rule rule) throws SQLException {
        Sql.update(c, PRUNE, s -> {
            s.setString(1, key);
            s.setLong(2, now.minus(rule.window()).toEpochMilli());
            s.setLong(3, now.minus(IN_FLIGHT_LIMIT).toEpochMilli());
        });
    }

    private static int count(Connection c, String query, String key) throws SQLException {
        return Sql.list(c, query, s -> s.setString(1, key), r -> r.getInt(1)).get(0);
    }

    private static void insertAttempt(Connection c, String key, boolean failed, Instant at) throws SQLException {
        Sql.update(c, INSERT_ATTEMPT, s -> {
            s.setString(1, key);
            s.setBoolean(2, failed);
            s.setLong(3, at.toEpochMilli());
        });
    }

    private static void deleteOneInFlight(Connection c, String key, Instant reservedAt) throws SQLException {
        Sql.update(c, DELETE_ONE_IN_FLIGHT, s -> {
            s.setString(1, key);
            s.setLong(2, reservedAt.toEpochMilli());
        });
    }
}
