package dev.latchkey.server;

import dev.latchkey.error.LatchkeyException;
import dev.latchkey.server.cli.ClientCommand;
import dev.latchkey.server.cli.GroupCommand;
import dev.latchkey.server.cli.ImportCommand;
import dev.latchkey.server.cli.KeysCommand;
import dev.latchkey.server.cli.MailCommand;
import dev.latchkey.server.cli.ServeCommand;
import dev.latchkey.server.cli.SessionsCommand;
import dev.latchkey.server.cli.Terminal;
import dev.latchkey.server.cli.TokenCommand;
import dev.latchkey.server.cli.UserCommand;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code latchkey} program. Exit status 0 on success, 1 on a refused operation (one line on stderr says why),
 * 2 on a usage error.
 */
@Command(
        name = "latchkey",
        mixinStandardHelpOptions = true,
        version = "latchkey 0.1.0",
        description = "A self-hosted authentication server.",
        subcommands = {
            ServeCommand.class,
            UserCommand.class,
            GroupCommand.class,
            ClientCommand.class,
            TokenCommand.class,
            KeysCommand.class,
            SessionsCommand.class,
            ImportCommand.class,
            MailCommand.class
        })
public final class Main {

    public static void main(String[] args) {
        System.exit(run(Terminal.system(), args));
    }

    /** Runs one command line against {@code terminal}; answers the exit status. */
    public static int run(Terminal terminal, String... args) {
        var commandLine = new CommandLine(new Main(), new TerminalFactory(terminal));
        commandLine.setOut(new PrintWriter(terminal.out(), true, StandardCharsets.UTF_8));
        commandLine.setErr(new PrintWriter(terminal.err(), true, StandardCharsets.UTF_8));
        commandLine.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof LatchkeyException refused) {
                terminal.err().println("latchkey: " + refused.detail());
            } else {
                terminal.err().println("latchkey: failed: " + e);
                org.slf4j.LoggerFactory.getLogger(Main.class).debug("command failed", e);
            }
            return 1;
        });
        return commandLine.execute(args);
    }

    /** Builds commands that take the {@link Terminal} in their constructor; picocli's own for the rest. */
    private record TerminalFactory(Terminal terminal) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                Constructor<K> constructor = type.getDeclaredConstructor(Terminal.class);
                constructor.setAccessible(true);
                return constructor.newInstance(terminal);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }
}
