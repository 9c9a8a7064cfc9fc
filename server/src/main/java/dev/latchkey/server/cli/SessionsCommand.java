package dev.latchkey.server.cli;

import dev.latchkey.server.config.Durations;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code latchkey sessions purge}: Django's clearsessions. */
@Command(name = "sessions", description = "Maintain sessions.", subcommands = SessionsCommand.Purge.class)
public final class SessionsCommand {

    @Command(
            name = "purge",
            description = "Delete expired sessions (in short batches that never block sign-ins), "
                    + "expired API tokens, JWT token families that have ended, audit events older than audit.retention, "
                    + "mailed links that were used or expired, and records of mail sent over 30 days ago.")
    static final class Purge implements Callable<Integer> {
        private final Terminal terminal;

        @Mixin
        CommonOptions common;

        Purge(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public Integer call() {
            var settings = common.settings(terminal, Map.of());
            try (var latchkey = Engine.open(settings, terminal.env())) {
                int deleted = latchkey.sessions().purgeExpired();
                int tokens = latchkey.apiTokens().purgeExpired();
                int jwt = latchkey.tokenFamilies().purgeEnded();
                int events = latchkey.audit().deleteExpired(latchkey.clock().instant(), settings.auditRetention());
                int links = latchkey.accounts().purge();
                int mails = latchkey.outbox()
                        .deleteFinishedBefore(latchkey.clock().instant().minus(java.time.Duration.ofDays(30)));
                terminal.out()
                        .println("deleted " + plural(deleted, "expired session") + ", "
                                + plural(tokens, "expired API token") + ", " + plural(jwt, "ended JWT record") + " and "
                                + plural(events, "audit event") + " older than "
                                + Durations.format(settings.auditRetention()) + "; "
                                + plural(links, "used or expired mailed link") + " and "
                                + plural(mails, "sent mail record") + " older than 30d");
            }
            return 0;
        }

        private static String plural(int count, String noun) {
            return count + " " + noun + (count == 1 ? "" : "s");
        }
    }
}
