package dev.latchkey.redis;

import dev.latchkey.throttle.MemoryThrottleStore;
import dev.latchkey.throttle.ThrottleContract;
import dev.latchkey.throttle.ThrottleStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;

/** The throttle contract on Redis: each "node" with a connection of its own, one key prefix per test. */
class RedisThrottleStoreTest extends ThrottleContract {
    private TestRedis redis;

    @Override
    protected ThrottleStore node() {
        if (redis == null) {
            redis = TestRedis.shared();
        }
        return new RedisThrottleStore(redis.link(new SimpleMeterRegistry()), new MemoryThrottleStore(1_000));
    }

    @AfterEach
    void closeRedis() {
        if (redis != null) {
            redis.close();
        }
    }
}
