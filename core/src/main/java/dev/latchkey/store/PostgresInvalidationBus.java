package dev.latchkey.store;

import dev.latchkey.error.StoreFailure;
import dev.latchkey.invalidation.Invalidation;
import dev.latchkey.invalidation.InvalidationBus;
import dev.latchkey.invalidation.Messages;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link InvalidationBus} on PostgreSQL's {@code LISTEN/NOTIFY}: a message is one {@code pg_notify} through the
 * pool; each node listens on one connection of its own, outside the pool, on a daemon thread that waits in
 * {@code PGConnection.getNotifications}. A lost connection is retried every half second; when it is back the node
 * is told to drop its caches ({@link Listener#reconnected}), as it may have missed messages meanwhile.
 */
public final class PostgresInvalidationBus implements InvalidationBus {
    public static final String CHANNEL = "latchkey_invalidation";
    private static final Logger log = LoggerFactory.getLogger(PostgresInvalidationBus.class);
    private static final Duration WAIT = Duration.ofMillis(500);
    private static final Duration CHECK_EVERY = Duration.ofSeconds(5);

    private final Database database;
    private final String node;
    private volatile boolean running = true;
    private volatile boolean connected;
    private volatile Connection listening;
    private Thread thread;

    /** @param node this node's id, so that it skips what it published itself */
    public PostgresInvalidationBus(Database database, String node) {
        this.database = database;
        this.node = node;
    }

    @Override
    public void publish(Invalidation invalidation) {
        try {
            for (var message : Messages.encode(node, invalidation)) {
                database.sql()
                        .one(
                                "SELECT pg_notify(?, ?)",
                                s -> {
                                    s.setString(1, CHANNEL);
                                    s.setString(2, message);
                                },
                                r -> r.getString(1));
            }
        } catch (StoreFailure e) {
            log.warn("could not publish {}; other nodes learn of it by their poll", invalidation, e);
        }
    }

    @Override
    public synchronized void start(Listener listener) {
        if (thread != null) {
            throw new IllegalStateException("started already");
        }
        thread = new Thread(() -> listen(listener), "latchkey-invalidation-listener");
        thread.setDaemon(true);
        thread.start();
    }

    private void listen(Listener listener) {
        boolean wasConnected = false;
        boolean warned = false;
        while (running) {
            try (var connection = connect()) {
                listening = connection;
                try (var statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                connected = true;
                if (wasConnected) {
                    log.warn("listening for invalidations again");
                    listener.reconnected();
                }
                wasConnected = true;
                warned = false;
                receive(connection, listener);
            } catch (SQLException | RuntimeException e) {
                connected = false;
                if (running && !warned) {
                    log.warn(
                            "lost the invalidation connection to PostgreSQL; caches fall back to their time bounds"
                                    + " until it is back: {}",
                            e.toString());
                    warned = true;
                }
                pause();
            } finally {
                listening = null;
            }
        }
    }

    private void receive(Connection connection, Listener listener) throws SQLException {
        var pg = connection.unwrap(PGConnection.class);
        long checked = System.nanoTime();
        while (running) {
            var notifications = pg.getNotifications((int) WAIT.toMillis());
            if (notifications != null) {
                for (var notification : notifications) {
                    Messages.decode(notification.getParameter())
                            .filter(m -> !m.origin().equals(node))
                            .ifPresent(m -> deliver(listener, m.invalidation()));
                }
            }
            if (System.nanoTime() - checked > CHECK_EVERY.toNanos()) {
                // A connection whose server went away without a word only shows it when used.
                if (!connection.isValid(2)) {
                    throw new SQLException("the listening connection is no longer valid");
                }
                checked = System.nanoTime();
            }
        }
    }

    private static void deliver(Listener listener, Invalidation invalidation) {
        try {
            listener.heard(invalidation);
        } catch (RuntimeException e) {
            log.warn("could not apply {}", invalidation, e);
        }
    }

    private Connection connect() throws SQLException {
        var url = database.url();
        var properties = new Properties();
        if (url.user() != null) {
            properties.setProperty("user", url.user());
        }
        if (url.password() != null) {
            properties.setProperty("password", url.password());
        }
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("ApplicationName", "latchkey invalidation listener");
        return DriverManager.getConnection(url.jdbcUrl(), properties);
    }

    private void pause() {
        try {
            Thread.sleep(WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public boolean connected() {
        return connected;
    }

    @Override
    public void close() {
        running = false;
        var connection = listening;
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // closing anyway
            }
        }
        if (thread != null) {
            thread.interrupt();
        }
    }
}
