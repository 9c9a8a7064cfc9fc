package dev.latchkey.server.cli;

import dev.latchkey.server.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** Runs {@code latchkey} commands in-process against a data directory, as a person would type them. */
final class Cli {
    private final Path data;
    private final Map<String, String> env = new HashMap<>();

    Cli(Path data) {
        this.data = data;
    }

    Cli env(String name, String value) {
        env.put(name, value);
        return this;
    }

    Result run(String... args) {
        return runWithStdin(new byte[0], args);
    }

    Result runWithStdin(String stdin, String... args) {
        return runWithStdin(stdin.getBytes(StandardCharsets.UTF_8), args);
    }

    Result runWithStdin(byte[] stdin, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var terminal = new Terminal(
                new ByteArrayInputStream(stdin),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                env,
                null);
        var all = new ArrayList<>(Arrays.asList(args));
        all.add("--data");
        all.add(data.toString());
        int status = Main.run(terminal, all.toArray(String[]::new));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    record Result(int status, String out, String err) {}
}
