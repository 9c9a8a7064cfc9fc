package dev.latchkey.redis;

import dev.latchkey.invalidation.InvalidationBus;
import dev.latchkey.invalidation.InvalidationBusContract;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/**
 * The bus contract on Redis pub/sub, on a redis-server of the test's own; a lost connection is {@code CLIENT KILL} of
 * the subscribers, as a restart would end them.
 */
class RedisInvalidationBusTest extends InvalidationBusContract {
    private TestRedis redis;

    @Override
    protected InvalidationBus newNode() {
        if (redis == null) {
            try {
                redis = TestRedis.own();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return new RedisInvalidationBus(
                redis.link(new SimpleMeterRegistry()),
                UUID.randomUUID().toString().substring(0, 8));
    }

    @Override
    protected boolean dropConnection(InvalidationBus bus) {
        var link = redis.link(new SimpleMeterRegistry());
        return link.commands().clientKill(io.lettuce.core.KillArgs.Builder.typePubsub()) > 0;
    }

    @AfterEach
    void closeRedis() {
        if (redis != null) {
            redis.close();
        }
    }
}
