package dev.latchkey.server.cli;

import dev.latchkey.audit.AuditEvent;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code latchkey keys rotate}. */
@Command(name = "keys", description = "Manage the keys that sign JWTs.", subcommands = KeysCommand.Rotate.class)
public final class KeysCommand {

    @Command(
            name = "rotate",
            description = "Make a new signing key; it signs at once. Old keys keep verifying "
                    + "until their tokens have expired, then leave the JWKS.")
    static final class Rotate implements Callable<Integer> {
        private final Terminal terminal;

        @Mixin
        CommonOptions common;

        Rotate(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public Integer call() {
            try (var latchkey = Engine.open(common.settings(terminal, Map.of()), terminal.env())) {
                var key = latchkey.signingKeys().rotate();
                latchkey.audit()
                        .append(new AuditEvent(
                                latchkey.clock().instant(),
                                "key_rotated",
                                null,
                                "",
                                "success",
                                "command_line",
                                "",
                                ""));
                terminal.out().println("new signing key " + key.kid() + " (" + key.algorithm() + ") signs from now on");
            }
            return 0;
        }
    }
}
