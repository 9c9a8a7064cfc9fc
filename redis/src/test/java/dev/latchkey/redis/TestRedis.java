package dev.latchkey.redis;

import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A Redis for one test: the machine's ({@code LATCHKEY_TEST_REDIS}, default {@code redis://127.0.0.1:6379}) under a
 * key prefix of the test's own, whose keys are deleted on {@link #close}; or, for a test that stops and starts Redis,
 * a {@code redis-server} of its own on a free port ({@link #own}), never the shared one.
 *
 * <p>When Redis (or {@code redis-server}) is missing its tests are skipped with a loud message, except under
 * {@code CI=true}, where that is a failure.
 */
public final class TestRedis implements AutoCloseable {
    private static final String SHARED_URL =
            System.getenv().getOrDefault("LATCHKEY_TEST_REDIS", "redis://127.0.0.1:6379");
    private static final List<Path> SERVER =
            List.of(Path.of("/usr/bin/redis-server"), Path.of("/usr/sbin/redis-server"));

    private final String url;
    private final String prefix = "lk_test_" + UUID.randomUUID().toString().substring(0, 8) + ":";
    private final Path dir;
    private final int port;
    private final List<RedisLink> links = new ArrayList<>();
    private Process process;

    private TestRedis(String url, Path dir, int port) {
        this.url = url;
        this.dir = dir;
        this.port = port;
    }

    /** The machine's Redis, under a prefix of this test's own. */
    public static TestRedis shared() {
        var uri = RedisLink.parse(SHARED_URL);
        if (!answers(uri.getHost(), uri.getPort())) {
            skip("Redis is not reachable at " + SHARED_URL + ": Redis tests are SKIPPED. Start it, or set"
                    + " LATCHKEY_TEST_REDIS.");
        }
        return new TestRedis(SHARED_URL, null, -1);
    }

    /** A redis-server of this test's own, on a free port, that the test may stop and start. */
    public static TestRedis own() throws IOException {
        if (SERVER.stream().noneMatch(Files::isExecutable)) {
            skip("redis-server is missing (apt-get install redis-server): this Redis test is SKIPPED.");
        }
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        var redis = new TestRedis("redis://127.0.0.1:" + port, Files.createTempDirectory("latchkey-redis"), port);
        redis.start();
        return redis;
    }

    public String url() {
        return url;
    }

    public String prefix() {
        return prefix;
    }

    /** A new connection, as a node would make it; closed with this. */
    public RedisLink link(MeterRegistry meters) {
        var link = new RedisLink(url, prefix, meters);
        links.add(link);
        return link;
    }

    /** Starts the server of {@link #own} (again, after {@link #stop}). */
    public void start() throws IOException {
        var binary = SERVER.stream().filter(Files::isExecutable).findFirst().orElseThrow();
        process = new ProcessBuilder(
                        binary.toString(),
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--dir",
                        dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("redis.log").toFile()))
                .start();
        var deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!answers("127.0.0.1", port)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "redis-server did not start: " + Files.readString(dir.resolve("redis.log")));
            }
            sleep(20);
        }
    }

    /** Stops the server of {@link #own} at once, as a crash would. */
    public void stop() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        links.forEach(RedisLink::close);
        if (process != null) {
            process.destroyForcibly();
        } else {
            var client = RedisClient.create(url);
            try (var connection = client.connect()) {
                var keys = connection.sync().keys(prefix + "*");
                if (!keys.isEmpty()) {
                    connection.sync().del(keys.toArray(String[]::new));
                }
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
        }
    }

    private static boolean answers(String host, int port) {
        try (var socket = new Socket(host, port)) {
            return socket.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    private static void skip(String why) {
        var message = "\n*** " + why + " ***\n";
        System.err.println(message);
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError("Redis is required under CI=true" + message);
        }
        Assumptions.abort(message);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
