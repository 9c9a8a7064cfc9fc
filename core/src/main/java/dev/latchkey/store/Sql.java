package dev.latchkey.store;

import dev.latchkey.error.StoreFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The few JDBC shapes every store needs: one query, one update, one transaction. An {@link SQLException} becomes a
 * {@link StoreFailure}; a failed transaction is rolled back whole.
 *
 * <p>With {@code oneWriter} (SQLite, which has a single write lock per file), writes from this process queue on a
 * lock here before they take a connection. Left to SQLite, a writer that finds the file locked sleeps in its busy
 * handler for milliseconds at a time, and a burst of writes (refreshes, sign-ins) spends most of its time asleep.
 * Reads never wait: WAL lets them run beside the writer.
 */
public final class Sql {
    private final DataSource dataSource;
    private final Lock writeLock;

    public Sql(DataSource dataSource, boolean oneWriter) {
        this.dataSource = dataSource;
        this.writeLock = oneWriter ? new ReentrantLock() : null;
    }

    @FunctionalInterface
    public interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    @FunctionalInterface
    public interface Mapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    public <T> List<T> list(String sql, Binder binder, Mapper<T> mapper) {
        return withConnection(c -> list(c, sql, binder, mapper));
    }

    public <T> Optional<T> one(String sql, Binder binder, Mapper<T> mapper) {
        var rows = list(sql, binder, mapper);
        return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.get(0));
    }

    public int update(String sql, Binder binder) {
        return writing(() -> withConnection(c -> update(c, sql, binder)));
    }

    /**
     * Runs a {@code DELETE ... WHERE user_id = ? AND id = ?}: a user's own row, so nobody deletes another's by
     * guessing ids. True when a row went.
     */
    public boolean deleteOwned(String sql, long userId, long id) {
        return update(sql, s -> {
                    s.setLong(1, userId);
                    s.setLong(2, id);
                })
                > 0;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(Work<T> work) {
        return writing(() -> withConnection(c -> {
            c.setAutoCommit(false);
            try {
                var result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }));
    }

    private <T> T writing(Supplier<T> write) {
        if (writeLock == null) {
            return write.get();
        }
        writeLock.lock();
        try {
            return write.get();
        } finally {
            writeLock.unlock();
        }
    }

    public static <T> List<T> list(Connection c, String sql, Binder binder, Mapper<T> mapper) throws SQLException {
        try (var statement = c.prepareStatement(sql)) {
            binder.bind(statement);
            try (var rows = statement.executeQuery()) {
                var out = new ArrayList<T>();
                while (rows.next()) {
                    out.add(mapper.map(rows));
                }
                return out;
            }
        }
    }

    public static int update(Connection c, String sql, Binder binder) throws SQLException {
        try (var statement = c.prepareStatement(sql)) {
            binder.bind(statement);
            return statement.executeUpdate();
        }
    }

    /** An epoch-millisecond column that may be NULL, as an {@link Instant} or null. */
    public static Instant instantOrNull(ResultSet row, String column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? null : Instant.ofEpochMilli(value);
    }

    public <T> T withConnection(Work<T> work) {
        try (var connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new StoreFailure("the database could not complete the request", e);
        }
    }
}
