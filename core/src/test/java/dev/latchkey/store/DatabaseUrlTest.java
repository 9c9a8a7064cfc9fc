package dev.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.error.InvalidInput;
import org.junit.jupiter.api.Test;

class DatabaseUrlTest {
    @Test
    void postgresUrlsBecomeJdbcWithTheUserApart() {
        var url = DatabaseUrl.parse("postgresql://latchkey:s%40cret@127.0.0.1:5432/auth?sslmode=disable");
        assertThat(url.dialect()).isEqualTo(DatabaseUrl.Dialect.POSTGRESQL);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/auth?sslmode=disable");
        assertThat(url.user()).isEqualTo("latchkey");
        assertThat(url.password()).isEqualTo("s@cret");
        assertThat(url.toString()).doesNotContain("s@cret").doesNotContain("s%40cret");
    }

    @Test
    void aPlusInAPasswordStaysAPlus() {
        assertThat(DatabaseUrl.parse("postgresql://u:a+b%2Bc@127.0.0.1/db").password())
                .isEqualTo("a+b+c");
    }

    @Test
    void aFileNameNoPathCanHoldIsRefusedNotThrown() {
        assertThatThrownBy(() -> DatabaseUrl.parse("sqlite:lat\u0000chkey.sqlite3"))
                .isInstanceOf(InvalidInput.class)
                .hasMessageContaining("db.url");
    }

    @Test
    void sqliteUrlsNameAFile() {
        assertThat(DatabaseUrl.parse("sqlite:/var/lib/latchkey/db.sqlite3").jdbcUrl())
                .isEqualTo("jdbc:sqlite:/var/lib/latchkey/db.sqlite3");
        assertThat(DatabaseUrl.parse("jdbc:sqlite:/tmp/x.db").dialect()).isEqualTo(DatabaseUrl.Dialect.SQLITE);
    }

    @Test
    void anythingElseIsRefusedNamingTheSettingAndTheForms() {
        for (var bad : new String[] {"", "mysql://x/y", "postgresql://", "postgresql://host", "sqlite:", "%%%"}) {
            assertThatThrownBy(() -> DatabaseUrl.parse(bad))
                    .isInstanceOf(InvalidInput.class)
                    .hasMessageContaining("db.url")
                    .hasMessageContaining("accepted forms");
        }
    }
}
