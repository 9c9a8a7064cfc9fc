package dev.latchkey.server.cluster;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real load balancer started by the test from the configuration in the repository's {@code deploy/}: Debian's
 * HAProxy or nginx. Missing, the test is skipped with a loud message, and fails under {@code CI=true}.
 */
final class Balancer implements AutoCloseable {
    private final Process process;
    private final int port;

    private Balancer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** HAProxy from {@code deploy/haproxy/haproxy.cfg}, the addresses in its environment. */
    static Balancer haproxy(Path dir, List<ServeNodes.Node> nodes) throws Exception {
        var binary = require("haproxy", List.of(Path.of("/usr/sbin/haproxy"), Path.of("/usr/bin/haproxy")));
        int port = ServeNodes.freePort();
        var builder = new ProcessBuilder(
                        binary.toString(),
                        "-db",
                        "-f",
                        deploy("haproxy/haproxy.cfg").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.log").toFile());
        builder.environment().put("LATCHKEY_LB_BIND", "127.0.0.1:" + port);
        for (int i = 0; i < nodes.size(); i++) {
            builder.environment().put("LATCHKEY_NODE" + (i + 1), nodes.get(i).address());
        }
        return started(builder.start(), port, dir.resolve("haproxy.log"));
    }

    /** nginx from {@code deploy/nginx/nginx.conf}, the addresses filled in as envsubst would. */
    static Balancer nginx(Path dir, List<ServeNodes.Node> nodes) throws Exception {
        var binary = require("nginx", List.of(Path.of("/usr/sbin/nginx"), Path.of("/usr/bin/nginx")));
        int port = ServeNodes.freePort();
        var prefix = Files.createDirectories(dir.resolve("nginx"));
        Files.createDirectories(prefix.resolve("tmp"));
        var config = Files.readString(deploy("nginx/nginx.conf"));
        var values = new java.util.HashMap<>(Map.of("LATCHKEY_LB_LISTEN", "127.0.0.1:" + port));
        for (int i = 0; i < nodes.size(); i++) {
            values.put("LATCHKEY_NODE" + (i + 1), nodes.get(i).address());
        }
        for (var entry : values.entrySet()) {
            config = config.replace("${" + entry.getKey() + "}", entry.getValue());
        }
        Files.writeString(prefix.resolve("nginx.conf"), config);
        var process = new ProcessBuilder(
                        binary.toString(),
                        "-p",
                        prefix.toString(),
                        "-c",
                        prefix.resolve("nginx.conf").toString(),
                        "-e",
                        prefix.resolve("error.log").toString(),
                        "-g",
                        "daemon off;")
                .redirectErrorStream(true)
                .redirectOutput(prefix.resolve("stdout.log").toFile())
                .start();
        return started(process, port, prefix.resolve("error.log"));
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    private static Balancer started(Process process, int port, Path log) throws Exception {
        var balancer = new Balancer(process, port);
        var http = new Http();
        var deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int healthy = 0;
        // Every node, several times over: the balancer has found them all up.
        while (healthy < 9) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the balancer did not come up:\n" + (Files.exists(log) ? Files.readString(log) : "(no log)"));
            }
            try {
                healthy = http.get(balancer.uri().resolve("readyz")).status() == 200 ? healthy + 1 : 0;
            } catch (IOException e) {
                healthy = 0;
            }
            Thread.sleep(healthy == 0 ? 100 : 20);
        }
        return balancer;
    }

    /** The repository's {@code deploy/} file, found from the module directory the tests run in. */
    static Path deploy(String file) {
        var dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("deploy"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "no deploy/ directory above " + Path.of("").toAbsolutePath());
        }
        return dir.resolve("deploy").resolve(file);
    }

    private static Path require(String name, List<Path> candidates) {
        var binary = candidates.stream().filter(Files::isExecutable).findFirst();
        if (binary.isEmpty()) {
            var message = "\n*** " + name + " is missing (apt-get install " + name + "): this cluster test is SKIPPED."
                    + " ***\n";
            System.err.println(message);
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(name + " is required under CI=true" + message);
            }
            Assumptions.abort(message);
        }
        return binary.get();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
