package dev.latchkey.redis;

import dev.latchkey.invalidation.Invalidation;
import dev.latchkey.invalidation.InvalidationBus;
import dev.latchkey.invalidation.Messages;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link InvalidationBus} on Redis pub/sub: {@code PUBLISH} on the command connection, {@code SUBSCRIBE} on the link's
 * pub/sub connection. Messages are applied on a thread of this bus's own, never on Lettuce's I/O thread (applying one
 * may read the database). Lettuce subscribes again after a reconnect; the node is then told to drop its caches
 * ({@link Listener#reconnected}). While Redis is away, nothing is published or heard and the caches' time bounds and
 * the database poll hold, as on a single node.
 */
public final class RedisInvalidationBus implements InvalidationBus {
    private static final Logger log = LoggerFactory.getLogger(RedisInvalidationBus.class);

    private final RedisLink link;
    private final String node;
    private final String channel;
    private final ExecutorService applying;
    private volatile StatefulRedisPubSubConnection<String, String> subscribed;
    private volatile boolean lost;

    /** @param node this node's id, so that it skips what it published itself */
    public RedisInvalidationBus(RedisLink link, String node) {
        this.link = link;
        this.node = node;
        this.channel = link.prefix() + "invalidation";
        this.applying = Executors.newSingleThreadExecutor(r -> {
            var thread = new Thread(r, "latchkey-invalidation-apply");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void publish(Invalidation invalidation) {
        try {
            for (var message : Messages.encode(node, invalidation)) {
                link.commands().publish(channel, message);
            }
            link.succeeded();
        } catch (RuntimeException e) {
            link.failed("invalidation", e);
        }
    }

    @Override
    public void start(Listener listener) {
        link.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                if (handler == subscribed) {
                    lost = true;
                }
            }

            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
                if (handler == subscribed && lost) {
                    lost = false;
                    log.warn("subscribed to invalidations again");
                    applying.execute(listener::reconnected);
                }
            }
        });
        link.onPubSub(connection -> {
            connection.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String from, String message) {
                    if (!channel.equals(from)) {
                        return;
                    }
                    Messages.decode(message)
                            .filter(m -> !m.origin().equals(node))
                            .ifPresent(m -> applying.execute(() -> apply(listener, m.invalidation())));
                }
            });
            connection.sync().subscribe(channel);
            subscribed = connection;
        });
    }

    private static void apply(Listener listener, Invalidation invalidation) {
        try {
            listener.heard(invalidation);
        } catch (RuntimeException e) {
            log.warn("could not apply {}", invalidation, e);
        }
    }

    @Override
    public boolean connected() {
        var connection = subscribed;
        return connection != null && connection.isOpen() && !lost;
    }

    @Override
    public void close() {
        applying.shutdownNow();
    }
}
