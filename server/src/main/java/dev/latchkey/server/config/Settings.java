package dev.latchkey.server.config;

import dev.latchkey.password.Argon2Settings;
import dev.latchkey.password.PasswordPolicy;
import dev.latchkey.session.SessionSettings;
import dev.latchkey.store.DatabaseUrl;
import java.nio.file.Path;

/**
 * Everything the server and the commands are configured with, built once by {@link SettingsLoader} from defaults,
 * {@code latchkey.toml}, {@code LATCHKEY_*} variables and flags (each overriding the one before), then immutable.
 */
public record Settings(Path dataDir, DatabaseUrl database, Server server, SessionSettings sessions,
                       Argon2Settings argon2, PasswordPolicy passwordPolicy) {

    /** Where and how {@code serve} listens. */
    public record Server(String bind, int port, boolean plainHttp) {
    }
}
