package dev.latchkey.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of store tests that run the same cases on SQLite and PostgreSQL: a subclass per database names its
 * {@link #kind()}, and each test gets a database of its own.
 */
public abstract class DatabaseTest {
    protected TestDatabase db;

    protected abstract TestDatabase.Kind kind();

    @BeforeEach
    void openDatabase() {
        db = TestDatabase.create(kind());
    }

    @AfterEach
    void closeDatabase() {
        if (db != null) {
            db.close();
        }
    }
}
