package dev.latchkey.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of store tests that run the same cases on SQLite and PostgreSQL: a subclass annotated
 * {@code @ParameterizedClass @EnumSource(TestDatabase.Kind.class)} runs every test once per database, each test on
 * a database of its own.
 */
public abstract class DatabaseTest {
    private final TestDatabase.Kind kind;
    protected TestDatabase db;

    protected DatabaseTest(TestDatabase.Kind kind) {
        this.kind = kind;
    }

    @BeforeEach
    void openDatabase() {
        db = TestDatabase.create(kind);
    }

    @AfterEach
    void closeDatabase() {
        if (db != null) {
            db.close();
        }
    }
}
