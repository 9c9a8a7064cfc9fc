package dev.latchkey.server.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code latchkey sessions purge}: Django's clearsessions. */
@Command(name = "sessions", description = "Maintain sessions.", subcommands = SessionsCommand.Purge.class)
public final class SessionsCommand {

    @Command(name = "purge", description = "Delete expired sessions (in short batches that never block sign-ins) "
            + "and expired API tokens.")
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
                terminal.out().println("deleted " + deleted + " expired session" + (deleted == 1 ? "" : "s") + " and "
                        + tokens + " expired API token" + (tokens == 1 ? "" : "s"));
            }
            return 0;
        }
    }
}
