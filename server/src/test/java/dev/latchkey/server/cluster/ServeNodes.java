package dev.latchkey.server.cluster;

import dev.latchkey.server.Main;
import dev.latchkey.server.cli.Terminal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real {@code latchkey serve} processes on one database: plain HTTP on loopback behind a proxy on 127.0.0.1, the same
 * instance secret, a drain time, and whatever else the test puts in {@link #env}. Each is its own JVM, started
 * from this test's class path, so that it can be killed ({@code kill -9}) or stopped ({@code SIGTERM}) as an operator
 * would.
 */
final class ServeNodes implements AutoCloseable {
    private static final String JAVA =
            Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private final Path dir;
    private final String dbUrl;
    private final Map<String, String> env = new HashMap<>();
    private final List<Node> nodes = new ArrayList<>();

    /** One serve process. */
    static final class Node {
        final int port;
        final Path data;
        Process process;

        Node(int port, Path data) {
            this.port = port;
            this.data = data;
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + port + "/");
        }

        String address() {
            return "127.0.0.1:" + port;
        }
    }

    ServeNodes(Path dir, String dbUrl, Map<String, String> extraEnv) {
        this.dir = dir;
        this.dbUrl = dbUrl;
        var secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        env.put("LATCHKEY_SECRET", Base64.getEncoder().encodeToString(secret));
        env.put("LATCHKEY_DB_URL", dbUrl);
        env.put("LATCHKEY_SERVER_DRAIN_TIME", "2s");
        env.put("LATCHKEY_LOG_REQUESTS", "false");
        env.putAll(extraEnv);
    }

    /** Starts {@code count} nodes at once and waits until each serves. */
    List<Node> start(int count) throws Exception {
        for (int i = 0; i < count; i++) {
            var node = new Node(freePort(), Files.createDirectories(dir.resolve("node" + (i + 1))));
            nodes.add(node);
            launch(node);
        }
        for (var node : nodes) {
            awaitServing(node);
        }
        return List.copyOf(nodes);
    }

    private void launch(Node node) throws IOException {
        var command = List.of(
                JAVA,
                "-Xshare:auto",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "serve",
                "--http",
                "--bind",
                "127.0.0.1",
                "--port",
                Integer.toString(node.port),
                "--trusted-proxy",
                "127.0.0.1",
                "--data",
                node.data.toString());
        var builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(node.data.resolve("serve.log").toFile());
        builder.environment().putAll(env);
        node.process = builder.start();
    }

    /** Starts a stopped node again on its port. */
    void restart(Node node) throws Exception {
        launch(node);
        awaitServing(node);
    }

    private static void awaitServing(Node node) throws Exception {
        var deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        var log = node.data.resolve("serve.log");
        while (true) {
            var text = Files.exists(log) ? Files.readString(log) : "";
            if (text.contains("latchkey is serving on")) {
                return;
            }
            if (!node.process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("node on " + node.port + " did not start:\n" + text);
            }
            Thread.sleep(50);
        }
    }

    /**
     * Runs a command line ({@code user set-password}, {@code keys rotate}) in this JVM against the same database and
     * secret, as an operator on one of the machines would; answers its exit status and output.
     */
    String command(String stdin, String... args) {
        var out = new ByteArrayOutputStream();
        var all = new ArrayList<String>(List.of(args));
        all.add("--data");
        all.add(dir.resolve("cli").toString());
        var terminal = new Terminal(
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                Map.copyOf(env),
                null);
        int status = Main.run(terminal, all.toArray(String[]::new));
        return status + " " + out.toString(StandardCharsets.UTF_8);
    }

    String dbUrl() {
        return dbUrl;
    }

    /** {@code kill -9}: no drain, no goodbye. */
    static void kill(Node node) throws InterruptedException {
        node.process.destroyForcibly();
        node.process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM: the node drains and stops; answers at once. */
    static void terminate(Node node) {
        node.process.destroy();
    }

    static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (var node : nodes) {
            if (node.process != null) {
                node.process.destroyForcibly();
            }
        }
        try {
            for (var node : nodes) {
                if (node.process != null) {
                    node.process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
