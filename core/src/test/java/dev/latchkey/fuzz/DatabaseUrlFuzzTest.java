package dev.latchkey.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.store.DatabaseUrl;
import java.nio.charset.StandardCharsets;

/**
 * {@code db.url} comes from the settings file or the environment. Property: any string parses to a URL of one of the
 * two dialects with a matching JDBC URL, or is refused with {@link InvalidInput} {@code invalid_setting} (which the
 * settings loader turns into its start-up message); nothing else is thrown. {@code toString} says that a password is
 * set, and the JDBC URL never carries the user-info part of a {@code postgresql://} URL.
 *
 * <p>Input: the URL as UTF-8.
 */
class DatabaseUrlFuzzTest {
    private static final int MAX_INPUT = 4 * 1024;

    @FuzzTest
    void anyUrlParsesOrIsRefusedAsASetting(byte[] data) {
        if (data.length > MAX_INPUT) {
            return;
        }
        var text = new String(data, StandardCharsets.UTF_8);
        DatabaseUrl url;
        try {
            url = DatabaseUrl.parse(text);
        } catch (InvalidInput e) {
            assertThat(e.code()).isEqualTo("invalid_setting");
            return;
        }
        var prefix = url.dialect() == DatabaseUrl.Dialect.SQLITE ? "jdbc:sqlite:" : "jdbc:postgresql:";
        assertThat(url.jdbcUrl()).startsWith(prefix);
        if (url.password() != null) {
            assertThat(url.toString()).endsWith(" (password set)");
        }
        if (text.startsWith("postgres") && url.user() != null) {
            var authority = text.substring(text.indexOf("//") + 2);
            var userInfo = authority.substring(0, authority.indexOf('@') + 1);
            assertThat(url.jdbcUrl()).doesNotStartWith("jdbc:postgresql://" + userInfo);
        }
    }
}
