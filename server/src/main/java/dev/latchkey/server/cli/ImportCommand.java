package dev.latchkey.server.cli;

import dev.latchkey.error.InvalidInput;
import dev.latchkey.password.PasswordHashing;
import dev.latchkey.user.DjangoDump;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code latchkey import django FILE}. */
@Command(name = "import", description = "Import users from another system.", subcommands = ImportCommand.Django.class)
public final class ImportCommand {

    @Command(
            name = "django",
            description = "Import the output of 'manage.py dumpdata auth.user auth.group authtoken.token', keeping"
                    + " password hashes, groups and DRF tokens. Re-importing updates users of the same username, and ends the sessions and tokens of those "
                    + "whose password hash changed or who became inactive; a bad record stops the import before anything "
                    + "is written.")
    static final class Django implements Callable<Integer> {
        private final Terminal terminal;

        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "FILE", description = "The JSON file, or - for standard input.")
        String file;

        @Option(
                names = "--emails-verified",
                description = "The dump's emails are known to be their users' (the "
                        + "Django site verified them): a provider's identity with the same verified email may then join a "
                        + "non-staff account. Without it, imported emails are unverified.")
        boolean emailsVerified;

        Django(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public Integer call() throws IOException {
            var settings = common.settings(terminal, Map.of());
            var progress = new Progress(terminal);
            try (var in = open();
                    var latchkey = Engine.open(settings, terminal.env())) {
                var dump =
                        new DjangoDump(latchkey.json(), latchkey.hashing()).readAll(in, n -> progress.show("read", n));
                var users = dump.users();
                progress.show("writing", users.size());
                var result = latchkey.users().importAll(dump);
                latchkey.groups().forgetAll();
                if (emailsVerified) {
                    users.stream()
                            .filter(u -> !u.email().isEmpty())
                            .forEach(u -> latchkey.users().setEmailVerified(u.username(), true));
                }
                progress.done();
                long unverifiable = users.stream()
                        .filter(u -> PasswordHashing.isUsable(u.passwordHash())
                                && latchkey.hashing().identify(u.passwordHash()).isEmpty())
                        .count();
                terminal.out()
                        .printf(
                                "imported %d users (%d new, %d updated)%n",
                                users.size(), result.inserted(), result.updated());
                if (result.groups() > 0 || result.tokens() > 0) {
                    terminal.out()
                            .printf(
                                    "imported %d groups, the groups of %d users and %d DRF tokens (each key kept only as"
                                            + " its SHA-256; it keeps working as Authorization: Token KEY)%n",
                                    result.groups(), dump.memberships().size(), result.tokens());
                }
                if (unverifiable > 0) {
                    terminal.err()
                            .printf(
                                    "warning: %d users have password hashes latchkey does not know; they "
                                            + "cannot sign in with a password until it is set again%n",
                                    unverifiable);
                }
            }
            return 0;
        }

        private java.io.InputStream open() throws IOException {
            if (file.equals("-")) {
                return new BufferedInputStream(terminal.in());
            }
            try {
                return new BufferedInputStream(Files.newInputStream(Path.of(file)), 1 << 16);
            } catch (NoSuchFileException e) {
                throw new InvalidInput("no_such_file", "no file " + file);
            }
        }
    }

    /** A counter on the terminal's error stream, rewritten in place; silent when not on a terminal. */
    private static final class Progress {
        private final Terminal terminal;
        private boolean shown;

        Progress(Terminal terminal) {
            this.terminal = terminal;
        }

        void show(String what, int count) {
            if (terminal.interactive()) {
                terminal.err().printf("\r%s %,d users", what, count);
                terminal.err().flush();
                shown = true;
            }
        }

        void done() {
            if (shown) {
                terminal.err().println();
            }
        }
    }
}
