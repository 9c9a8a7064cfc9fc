package dev.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DatabaseTest {
    private static final Pattern MIGRATION = Pattern.compile("V(\\d+)__.+\\.sql");

    @Test
    void theSchemaVersionIsTheHighestMigration() throws IOException {
        int highest;
        try (var files = Files.list(Path.of("src/main/resources/db/migration"))) {
            highest = files.map(f -> MIGRATION.matcher(f.getFileName().toString()))
                    .filter(java.util.regex.Matcher::matches)
                    .mapToInt(m -> Integer.parseInt(m.group(1)))
                    .max()
                    .orElseThrow();
        }
        assertThat(Database.SCHEMA_VERSION).isEqualTo(highest);
    }

    @Test
    void aMigratedDatabaseReportsItsVersionAndReopensWithoutMigrating() {
        try (var db = TestDatabase.sqlite()) {
            assertThat(Database.appliedVersion(db.database().dataSource())).isEqualTo(Database.SCHEMA_VERSION);
            try (var again = Database.open(db.url())) {
                assertThat(again.isReachable()).isTrue();
            }
        }
    }

    @Test
    void anEmptyDatabaseHasNoVersion() throws Exception {
        var dir = Files.createTempDirectory("latchkey-empty");
        var ds = new org.sqlite.SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + dir.resolve("empty.sqlite3"));
        assertThat(Database.appliedVersion(ds)).isEqualTo(-1);
    }
}
