package dev.latchkey.singleuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What every {@link SingleUseStore} must do, run on memory, PostgreSQL and Redis: once, across nodes, at once. */
public abstract class SingleUseContract {
    protected final MutableClock clock = MutableClock.at("2026-06-01T12:00:00Z");

    /** A store for one node; two calls in one test must share their values. */
    protected abstract SingleUseStore node();

    @Test
    void aValueIsGoodOnceForItsPurpose() {
        var store = node();
        var now = clock.instant();
        assertThat(store.firstUse("oauth_state", "abc", now, Duration.ofMinutes(10)))
                .isTrue();
        assertThat(store.firstUse("oauth_state", "abc", now, Duration.ofMinutes(10)))
                .isFalse();
        assertThat(store.firstUse("app_code", "abc", now, Duration.ofMinutes(10)))
                .as("another purpose is another value")
                .isTrue();
        assertThat(store.firstUse("oauth_state", "abd", now, Duration.ofMinutes(10)))
                .isTrue();
    }

    @Test
    void aValueUsedOnOneNodeIsRefusedOnTheOther() {
        var a = node();
        var b = node();
        var now = clock.instant();
        assertThat(a.firstUse("oauth_state", "state-1", now, Duration.ofMinutes(10)))
                .isTrue();
        assertThat(b.firstUse("oauth_state", "state-1", now, Duration.ofMinutes(10)))
                .isFalse();
    }

    @Test
    void aHundredUsesRacingOnTwoNodesHaveExactlyOneFirst() throws Exception {
        var stores = List.of(node(), node());
        var now = clock.instant();
        var firsts = new AtomicInteger();
        var pool = Executors.newFixedThreadPool(32);
        var start = new CountDownLatch(1);
        try {
            var futures = new java.util.ArrayList<Future<?>>();
            for (int i = 0; i < 100; i++) {
                var store = stores.get(i % 2);
                futures.add(pool.submit(() -> {
                    start.await();
                    if (store.firstUse("app_code", "the-code", now, Duration.ofMinutes(10))) {
                        firsts.incrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (var f : futures) {
                f.get(20, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(firsts.get()).isEqualTo(1);
    }

    @Test
    void aValueIsForgottenAfterItsLifetime() {
        var store = node();
        var now = clock.instant();
        assertThat(store.firstUse("oauth_state", "old", now, Duration.ofMillis(200)))
                .isTrue();
        assertThat(store.firstUse("oauth_state", "old", now.plusMillis(100), Duration.ofMillis(200)))
                .isFalse();
        awaitExpiry();
        assertThat(store.firstUse("oauth_state", "old", now.plusSeconds(1), Duration.ofMillis(200)))
                .as("past its lifetime the value has expired where it is used, and is forgotten here")
                .isTrue();
    }

    /** Stores that expire by their own clock (Redis) need real time to pass; the others go by {@code now}. */
    protected void awaitExpiry() {}
}
