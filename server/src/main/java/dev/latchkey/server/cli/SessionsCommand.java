package dev.latchkey.server.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code latchkey sessions purge}: Django's clearsessions. */
@Command(name = "sessions", description = "Maintain sessions.", subcommands = SessionsCommand.Purge.class)
public final class SessionsCommand {

    @Command(name = "purge", description = "Delete expired sessions (in short batches that never block sign-ins), "
            + "expired API tokens, and JWT token families that have ended.")
    static final class Purge implements Callable<Integer> {
        private final Terminal terminal;
        @Mixin CommonOptions common;

        Purge(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public Integer call() {
            try (var latchkey = Engine.open(common.settings(terminal, Map.of()), terminal.env())) {
                int deleted = latchkey.sessions().purgeExpired();
                int tokens = latchkey.apiTokens().purgeExpired();
                int jwt = latchkey.jwtTokens().purgeEnded();
                terminal.out().println("deleted " + plural(deleted, "expired session") + ", "
                        + plural(tokens, "expired API token") + " and " + plural(jwt, "ended JWT record"));
            }
            return 0;
        }

        private static String plural(int count, String noun) {
            return count + " " + noun + (count == 1 ? "" : "s");
        }
    }
}
