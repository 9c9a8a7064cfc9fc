package dev.latchkey.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.server.config.SettingsLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code latchkey.toml} is written by hand. Property: any file gives settings, or {@link InvalidInput}
 * {@code invalid_setting} whose message the command line prints as the reason it will not start; nothing else is
 * thrown (an unexpected exception is a stack trace where the operator should have read which setting is wrong).
 *
 * <p>Input: the file's bytes.
 */
class SettingsLoaderFuzzTest {
    private static final int MAX_INPUT = 16 * 1024;

    @TempDir
    static Path dataDir;

    @BeforeAll
    static void noOtherSettings() {
        assertThat(dataDir.resolve(SettingsLoader.FILE_NAME)).doesNotExist();
    }

    @FuzzTest
    void anySettingsFileLoadsOrNamesTheBadSetting(byte[] data) throws IOException {
        if (data.length > MAX_INPUT) {
            return;
        }
        Files.write(dataDir.resolve(SettingsLoader.FILE_NAME), data);
        try {
            var settings = SettingsLoader.load(dataDir, Map.of(), Map.of());
            assertThat(settings.database()).isNotNull();
        } catch (InvalidInput e) {
            assertThat(e.code()).isEqualTo("invalid_setting");
            assertThat(e.detail()).isNotBlank();
        }
    }
}
