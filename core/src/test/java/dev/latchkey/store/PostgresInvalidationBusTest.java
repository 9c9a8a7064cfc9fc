package dev.latchkey.store;

import dev.latchkey.invalidation.InvalidationBus;
import dev.latchkey.invalidation.InvalidationBusContract;
import dev.latchkey.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/**
 * The bus contract on LISTEN/NOTIFY: each node with a pool of its own on one database; a lost connection is one
 * {@code pg_terminate_backend} of the node's listening connection, as a server restart would end it.
 */
class PostgresInvalidationBusTest extends InvalidationBusContract {
    private TestDatabase shared;
    private final List<Database> pools = new ArrayList<>();

    @Override
    protected InvalidationBus newNode() {
        if (shared == null) {
            shared = TestDatabase.postgres();
        }
        var pool = Database.open(shared.url());
        pools.add(pool);
        return new PostgresInvalidationBus(pool, UUID.randomUUID().toString().substring(0, 8));
    }

    @Override
    protected boolean dropConnection(InvalidationBus bus) {
        // Every listener of this test's database: the other nodes reconnect too, which the contract allows.
        var ended = shared.database()
                .sql()
                .list(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
                                + " AND application_name = 'latchkey invalidation listener'",
                        s -> {},
                        r -> r.getBoolean(1));
        return !ended.isEmpty();
    }

    @AfterEach
    void closeShared() {
        pools.forEach(Database::close);
        if (shared != null) {
            shared.close();
        }
    }
}
