package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.Latchkey;
import dev.latchkey.auth.AuthenticationDenied;
import dev.latchkey.auth.Credentials;
import dev.latchkey.error.StoreFailure;
import dev.latchkey.error.Throttled;
import dev.latchkey.invalidation.Invalidation;
import dev.latchkey.invalidation.InvalidationBus;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.request.RequestContext;
import dev.latchkey.testing.TestDatabase;
import dev.latchkey.throttle.MemoryThrottleStore;
import dev.latchkey.user.NewUser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis killed under a running node, then started again on the same port (a redis-server of this test's own): sign-ins
 * go on, throttling counts on the node with a loud log line and a metric, single use refuses (fails closed), the bus
 * is silent; when Redis is back all three use it again without a restart, and the node drops its caches.
 */
class RedisOutageTest {
    private static final String PASSWORD = "correct horse battery";
    private static final RequestContext FROM = new RequestContext("198.51.100.7", "test");

    private TestRedis redis;
    private TestDatabase db;
    private SimpleMeterRegistry meters;
    private RedisLink link;
    private Latchkey latchkey;
    private final AtomicInteger reconnects = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        redis = TestRedis.own();
        db = TestDatabase.sqlite();
        meters = new SimpleMeterRegistry();
        link = redis.link(meters);
        latchkey = Latchkey.builder(db.database())
                .argon2(new Argon2Settings(1024, 2, 1, 32))
                .meters(meters)
                .throttleStore(new RedisThrottleStore(link, new MemoryThrottleStore(1_000)))
                .singleUse(new RedisSingleUseStore(link))
                .invalidations(new RedisInvalidationBus(link, "node-a"))
                .build();
        latchkey.users().create(NewUser.named("alice"), Optional.of(PASSWORD));
    }

    @AfterEach
    void stop() {
        latchkey.close();
        db.close();
        redis.close();
    }

    @Test
    void withRedisDownSignInsGoOnThrottlingIsPerNodeAndSingleUseFailsClosedThenAllRecover() throws Exception {
        assertThat(latchkey.singleUse().firstUse("oauth_state", "s1", now(), Duration.ofMinutes(10)))
                .isTrue();
        redis.stop();

        assertThat(signIn(PASSWORD)).as("sign-ins keep working").isNotNull();
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> signIn("wrong")).isInstanceOf(AuthenticationDenied.class);
        }
        assertThatThrownBy(() -> signIn("wrong"))
                .as("counted on this node meanwhile")
                .isInstanceOf(Throttled.class);
        assertThat(meters.counter("latchkey.redis.unavailable", "piece", "throttle")
                        .count())
                .isPositive();
        assertThatThrownBy(() -> latchkey.singleUse().firstUse("oauth_state", "s2", now(), Duration.ofMinutes(10)))
                .as("a value that may have been used already is refused")
                .isInstanceOf(StoreFailure.class)
                .satisfies(e -> assertThat(((StoreFailure) e).status()).isEqualTo(503));
        assertThat(link.connected()).isFalse();

        redis.start();
        awaitTrue(() -> {
            try {
                return latchkey.singleUse().firstUse("oauth_state", "s3", now(), Duration.ofMinutes(10));
            } catch (StoreFailure e) {
                return false;
            }
        });
        assertThat(latchkey.singleUse().firstUse("oauth_state", "s3", now(), Duration.ofMinutes(10)))
                .as("single use is shared again")
                .isFalse();
        assertThat(signIn(PASSWORD))
                .as("counting is back in Redis, which had lost nothing to block")
                .isNotNull();
        assertThat(link.connected()).isTrue();
    }

    @Test
    void theBusIsHeardAgainAfterRedisReturnsAndTheNodeDropsItsCaches() throws Exception {
        var heard = new LinkedBlockingQueue<Invalidation>();
        var other = new RedisInvalidationBus(redis.link(new SimpleMeterRegistry()), "node-b");
        other.start(new InvalidationBus.Listener() {
            @Override
            public void heard(Invalidation invalidation) {
                heard.add(invalidation);
            }

            @Override
            public void reconnected() {
                reconnects.incrementAndGet();
            }
        });
        awaitTrue(other::connected);
        redis.stop();
        latchkey.invalidations().publish(new Invalidation.UserChanged(1));
        assertThat(heard.poll(200, TimeUnit.MILLISECONDS))
                .as("nothing is carried meanwhile")
                .isNull();
        redis.start();
        awaitTrue(() -> reconnects.get() == 1
                && other.connected()
                && latchkey.invalidations().connected());
        latchkey.invalidations().publish(new Invalidation.UserChanged(2));
        assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo(new Invalidation.UserChanged(2));
        other.close();
    }

    private Object signIn(String password) {
        return latchkey.signIn().verify(FROM, new Credentials.Password("alice", password));
    }

    private java.time.Instant now() {
        return latchkey.clock().instant();
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        var deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("in time").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
