package dev.latchkey.testing;

import dev.latchkey.store.Database;
import dev.latchkey.store.DatabaseUrl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * A real database of its own for one test: a fresh SQLite file in a temporary directory, or a fresh PostgreSQL
 * database on the local server ({@code LATCHKEY_TEST_PG}, default {@code postgres@127.0.0.1:5432}), created here
 * and dropped on {@link #close}.
 *
 * <p>When PostgreSQL is not reachable its tests are skipped with a loud message, except under {@code CI=true},
 * where a missing PostgreSQL is a failure.
 */
public final class TestDatabase implements AutoCloseable {
    public enum Kind {
        SQLITE,
        POSTGRESQL
    }

    private static final String ADMIN_URL =
            System.getenv().getOrDefault("LATCHKEY_TEST_PG", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

    private final Database database;
    private final Runnable cleanup;
    private final DatabaseUrl url;

    private TestDatabase(Database database, DatabaseUrl url, Runnable cleanup) {
        this.database = database;
        this.url = url;
        this.cleanup = cleanup;
    }

    public static TestDatabase create(Kind kind) {
        return kind == Kind.SQLITE ? sqlite() : postgres();
    }

    public static TestDatabase sqlite() {
        try {
            var dir = Files.createTempDirectory("latchkey-test");
            var url = DatabaseUrl.sqlite(dir.resolve("latchkey.sqlite3"));
            return new TestDatabase(Database.open(url), url, () -> deleteTree(dir));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TestDatabase postgres() {
        var name = "lk_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        requirePostgres();
        admin("CREATE DATABASE " + name);
        var base = ADMIN_URL.replaceFirst("/postgres(\\?|$)", "/" + name + "$1");
        var url = DatabaseUrl.parse(base);
        return new TestDatabase(
                Database.open(url), url, () -> admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"));
    }

    /** The URL of a database this helper created, for code that opens its own connection (the command line). */
    public DatabaseUrl url() {
        return url;
    }

    public Database database() {
        return database;
    }

    @Override
    public void close() {
        database.close();
        cleanup.run();
    }

    /** Skips the calling test loudly when PostgreSQL is absent, or fails it under CI=true. */
    public static void requirePostgres() {
        try (var c = DriverManager.getConnection(ADMIN_URL)) {
            c.isValid(2);
        } catch (SQLException e) {
            var message = "\n*** PostgreSQL is not reachable at " + ADMIN_URL + " (" + e.getMessage()
                    + "): PostgreSQL store tests are SKIPPED. Start it, or set LATCHKEY_TEST_PG. ***\n";
            System.err.println(message);
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("PostgreSQL is required under CI=true" + message, e);
            }
            Assumptions.abort(message);
        }
    }

    private static void admin(String sql) {
        try (var c = DriverManager.getConnection(ADMIN_URL);
                var s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL refused: " + sql, e);
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
