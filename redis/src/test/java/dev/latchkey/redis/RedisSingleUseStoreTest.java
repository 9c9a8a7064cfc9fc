package dev.latchkey.redis;

import dev.latchkey.singleuse.SingleUseContract;
import dev.latchkey.singleuse.SingleUseStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;

/** The single-use contract on Redis: each "node" with a connection of its own, one key prefix per test. */
class RedisSingleUseStoreTest extends SingleUseContract {
    private TestRedis redis;

    @Override
    protected SingleUseStore node() {
        if (redis == null) {
            redis = TestRedis.shared();
        }
        return new RedisSingleUseStore(redis.link(new SimpleMeterRegistry()));
    }

    @Override
    protected void awaitExpiry() {
        try {
            // Redis expires by its own clock: the 200 ms lifetime must pass for real.
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterEach
    void closeRedis() {
        if (redis != null) {
            redis.close();
        }
    }
}
