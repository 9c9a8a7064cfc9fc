package dev.latchkey.server.cli;

import dev.latchkey.server.config.DataDirectory;
import dev.latchkey.server.config.Settings;
import dev.latchkey.server.config.SettingsLoader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --data} and {@code --db}, which every command takes. */
public final class CommonOptions {
    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "Data directory (default: $LATCHKEY_DATA or ./latchkey-data).")
    Path data;

    @Option(
            names = "--db",
            paramLabel = "URL",
            description = "Database URL, e.g. postgresql://user@127.0.0.1:5432/latchkey (default: $LATCHKEY_DB_URL "
                    + "or SQLite in the data directory).")
    String db;

    /** Settings with these options and {@code extraFlags} on top of file and environment. */
    public Settings settings(Terminal terminal, Map<String, String> extraFlags) {
        var dir = data != null ? data : Path.of(terminal.env().getOrDefault("LATCHKEY_DATA", "latchkey-data"));
        var flags = new HashMap<>(extraFlags);
        if (db != null) {
            flags.put("db.url", db);
        }
        return SettingsLoader.load(DataDirectory.prepare(dir), terminal.env(), flags);
    }
}
