package dev.latchkey.redis;

import dev.latchkey.Latchkey;
import dev.latchkey.nodes.SeveralNodesContract;
import dev.latchkey.store.Database;
import dev.latchkey.testing.TestDatabase;
import dev.latchkey.throttle.MemoryThrottleStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/** Two nodes on one database, sharing their state through Redis (each with a connection of its own). */
class RedisSeveralNodesTest extends SeveralNodesContract {
    private TestDatabase db;
    private TestRedis redis;

    @Override
    protected Database database() {
        if (db == null) {
            db = TestDatabase.sqlite();
        }
        return db.database();
    }

    @Override
    protected Latchkey.Builder shared(Latchkey.Builder builder) {
        if (redis == null) {
            redis = TestRedis.shared();
        }
        var link = redis.link(new SimpleMeterRegistry());
        return builder.throttleStore(new RedisThrottleStore(link, new MemoryThrottleStore(1_000)))
                .singleUse(new RedisSingleUseStore(link))
                .invalidations(new RedisInvalidationBus(
                        link, UUID.randomUUID().toString().substring(0, 8)));
    }

    @AfterEach
    void closeShared() {
        if (redis != null) {
            redis.close();
        }
        if (db != null) {
            db.close();
        }
    }
}
