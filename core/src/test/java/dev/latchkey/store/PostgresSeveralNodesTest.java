package dev.latchkey.store;

import dev.latchkey.Latchkey;
import dev.latchkey.nodes.SeveralNodesContract;
import dev.latchkey.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;

/** Two nodes on one PostgreSQL database and nothing else: its LISTEN/NOTIFY bus is the default. */
class PostgresSeveralNodesTest extends SeveralNodesContract {
    private TestDatabase db;

    @Override
    protected Database database() {
        if (db == null) {
            db = TestDatabase.postgres();
        }
        return db.database();
    }

    @Override
    protected Latchkey.Builder shared(Latchkey.Builder builder) {
        return builder;
    }

    @AfterEach
    void dropDatabase() {
        if (db != null) {
            db.close();
        }
    }
}
