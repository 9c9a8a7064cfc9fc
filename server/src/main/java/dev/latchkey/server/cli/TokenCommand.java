package dev.latchkey.server.cli;

import dev.latchkey.audit.AuditEvent;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.error.NotFound;
import dev.latchkey.server.config.Durations;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code latchkey token create NAME}: DRF's {@code drf_create_token}. */
@Command(name = "token", description = "Manage API tokens.", subcommands = TokenCommand.Create.class)
public final class TokenCommand {

    @Command(name = "create", description = "Make an API token for a user and print it, once.")
    static final class Create implements Callable<Integer> {
        private final Terminal terminal;

        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "NAME", description = "The user the token is for.")
        String username;

        @Option(names = "--name", paramLabel = "N", description = "What the token is for (default: cli).")
        String name = "cli";

        @Option(
                names = "--expires",
                paramLabel = "DURATION",
                description = "Lifetime, e.g. 30d (default: none). An operator's token survives password changes.")
        String expires;

        Create(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public Integer call() {
            Optional<Duration> lifetime = Optional.empty();
            if (expires != null) {
                try {
                    lifetime = Optional.of(Durations.parse(expires));
                } catch (IllegalArgumentException e) {
                    throw new InvalidInput("invalid_expiry", "--expires must be a duration such as 30d or 12h");
                }
            }
            try (var latchkey = Engine.open(common.settings(terminal, Map.of()), terminal.env())) {
                var user = latchkey.users()
                        .find(username)
                        .orElseThrow(() -> new NotFound("no_such_user", "no user is named " + username));
                var issued = latchkey.apiTokens().createByOperator(user.id(), name, lifetime);
                latchkey.audit()
                        .append(new AuditEvent(
                                latchkey.clock().instant(),
                                "token_created",
                                user.id(),
                                user.username(),
                                "success",
                                "command_line",
                                "",
                                ""));
                terminal.out().println(issued.key());
                terminal.err()
                        .println("token " + issued.token().id() + " ("
                                + issued.token().name() + ") for "
                                + user.username()
                                + (issued.token().expires() == null
                                        ? ", no expiry"
                                        : ", expires " + issued.token().expires())
                                + ". It is shown only this once.");
            }
            return 0;
        }
    }
}
