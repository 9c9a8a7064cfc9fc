package dev.latchkey.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's connections to Redis: one for commands, one for pub/sub, both with short timeouts and commands refused
 * at once while disconnected (never queued), so that an unreachable Redis costs a request milliseconds, not the
 * minute Lettuce waits by default. Lettuce reconnects a lost connection by itself every half second; a connection
 * that could not be made at all (Redis down when the node started) is retried here every second. Outages are logged
 * loudly, once when they begin (and once a minute while they last) and once when they end, and counted in
 * {@code latchkey.redis.unavailable{piece}}; {@code latchkey.redis.connected} is 1 or 0.
 */
public final class RedisLink implements AutoCloseable {
    static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration REPEAT_WARNING = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(RedisLink.class);

    private final RedisURI uri;
    private final String prefix;
    private final MeterRegistry meters;
    private final ClientResources resources;
    private final RedisClient client;
    private final ScheduledExecutorService retrying;
    private final List<Consumer<StatefulRedisPubSubConnection<String, String>>> pubSubUsers =
            new CopyOnWriteArrayList<>();
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile StatefulRedisPubSubConnection<String, String> pubSub;
    private volatile boolean down;
    private volatile long warnedAt;

    /**
     * @param url    {@code redis://[user:password@]host[:port][/database]} or {@code rediss://…} ({@link #parse})
     * @param prefix what every key and the channel begin with, so that one Redis can serve more than latchkey
     */
    public RedisLink(String url, String prefix, MeterRegistry meters) {
        this.uri = parse(url);
        this.uri.setTimeout(COMMAND_TIMEOUT);
        this.prefix = prefix;
        this.meters = meters;
        this.resources = ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(1)
                .reconnectDelay(Delay.constant(Duration.ofMillis(500)))
                .build();
        this.client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(CONNECT_TIMEOUT)
                        .keepAlive(true)
                        .build())
                .build());
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
                if (handler == connection) {
                    recovered();
                }
            }
        });
        this.retrying = Executors.newSingleThreadScheduledExecutor(r -> {
            var thread = new Thread(r, "latchkey-redis-connect");
            thread.setDaemon(true);
            return thread;
        });
        Gauge.builder("latchkey.redis.connected", this, l -> l.connected() ? 1 : 0)
                .description("1 while this node's Redis connection is up")
                .register(meters);
        connectOrRetry();
    }

    /**
     * The URL as Lettuce takes it, or {@link IllegalArgumentException} saying what is wrong with it: only
     * {@code redis} and {@code rediss} (TLS), a host, a port from 1 to 65535, a database number.
     */
    public static RedisURI parse(String url) {
        URI parsed;
        try {
            parsed = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getReason());
        }
        var scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new IllegalArgumentException("the scheme must be redis:// or rediss://");
        }
        if (parsed.getHost() == null || parsed.getHost().isEmpty()) {
            throw new IllegalArgumentException("a host is needed (redis://host:6379)");
        }
        if (parsed.getPort() == 0 || parsed.getPort() > 65_535) {
            throw new IllegalArgumentException("the port must be 1 to 65535");
        }
        var path = parsed.getPath() == null ? "" : parsed.getPath();
        if (!path.isEmpty() && !path.matches("/\\d{0,2}")) {
            throw new IllegalArgumentException("the path may only be a database number (/0)");
        }
        if (parsed.getQuery() != null || parsed.getFragment() != null) {
            throw new IllegalArgumentException("no query or fragment is taken");
        }
        try {
            return RedisURI.create(url.strip());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** Where keys begin. */
    String prefix() {
        return prefix;
    }

    /** The commands, or {@link RedisUnavailable} at once when there is no connection yet. */
    RedisCommands<String, String> commands() {
        var current = connection;
        if (current == null) {
            throw new RedisUnavailable("no connection to Redis yet");
        }
        return current.sync();
    }

    /** Connected now (as far as this node knows). */
    public boolean connected() {
        var current = connection;
        return current != null && current.isOpen() && !down;
    }

    /** Calls {@code user} with the pub/sub connection once it exists (at once, or when a retry makes it). */
    void onPubSub(Consumer<StatefulRedisPubSubConnection<String, String>> user) {
        pubSubUsers.add(user);
        var current = pubSub;
        if (current != null) {
            user.accept(current);
        }
    }

    /** Adds a listener of connection state for {@code handler} (the pub/sub connection's reconnects). */
    void addListener(RedisConnectionStateListener listener) {
        client.addListener(listener);
    }

    /** A command failed for want of Redis: counted, and logged loudly when an outage begins and once a minute. */
    void failed(String piece, RuntimeException e) {
        meters.counter("latchkey.redis.unavailable", "piece", piece).increment();
        var now = System.nanoTime();
        if (!down || now - warnedAt > REPEAT_WARNING.toNanos()) {
            down = true;
            warnedAt = now;
            log.error(
                    "REDIS UNAVAILABLE at {}:{} ({}, first noticed by {}): sign-ins go on; until it is back,"
                            + " throttling counts on this node alone, single-use checks (OAuth states, app codes)"
                            + " answer 503, and other nodes learn of sign-outs and revocations by their poll",
                    uri.getHost(),
                    uri.getPort(),
                    e.getMessage(),
                    piece);
        }
    }

    /** A command succeeded: an outage, if there was one, is over. */
    void succeeded() {
        if (down) {
            recovered();
        }
    }

    private void recovered() {
        if (down) {
            down = false;
            log.warn(
                    "Redis at {}:{} answers again: shared throttling and single use are back",
                    uri.getHost(),
                    uri.getPort());
        }
    }

    private void connectOrRetry() {
        try {
            if (connection == null) {
                connection = client.connect(uri);
            }
            if (pubSub == null) {
                var made = client.connectPubSub(uri);
                pubSub = made;
                pubSubUsers.forEach(user -> user.accept(made));
            }
            recovered();
        } catch (RuntimeException e) {
            failed("connection", e);
            // The retry reports its own failures (here, again); its future has nothing more to say.
            var unused = retrying.schedule(this::connectOrRetry, RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        retrying.shutdownNow();
        var pub = pubSub;
        if (pub != null) {
            pub.close();
        }
        var current = connection;
        if (current != null) {
            current.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        // Waited for: the threads are gone when close returns.
        resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3_000);
    }
}
