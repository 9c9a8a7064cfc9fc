package dev.latchkey.server.cli;

import dev.latchkey.Latchkey;
import dev.latchkey.server.config.Settings;
import dev.latchkey.store.Database;

/** Opens the library from settings: the one place the server and the commands wire {@link Latchkey}. */
public final class Engine {
    private Engine() {
    }

    public static Latchkey open(Settings settings) {
        var database = Database.open(settings.database());
        try {
            return Latchkey.builder(database)
                    .argon2(settings.argon2())
                    .passwordPolicy(settings.passwordPolicy())
                    .sessions(settings.sessions())
                    .build();
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }
}
