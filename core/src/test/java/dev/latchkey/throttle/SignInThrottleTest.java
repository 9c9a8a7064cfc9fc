package dev.latchkey.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The throttle contract on the memory store (two "nodes" in one process share it), and what memory adds. */
class SignInThrottleTest extends ThrottleContract {
    private final MemoryThrottleStore shared = new MemoryThrottleStore(100_000);

    @Override
    protected ThrottleStore node() {
        return shared;
    }

    @Test
    void tenThousandFailuresOverManyNamesAndAddressesKeepMemoryBounded() {
        var store = new MemoryThrottleStore(1_000);
        var throttle = new SignInThrottle(
                store,
                new ThrottleSettings(
                        new Rule(10, Duration.ofMinutes(1)),
                        new Rule(5, Duration.ofMinutes(5)),
                        new Rule(30, Duration.ofMinutes(15)),
                        new Rule(1, Duration.ofMinutes(5)),
                        Duration.ofHours(1),
                        1_000),
                clock,
                new SimpleMeterRegistry());
        for (int i = 0; i < 10_000; i++) {
            throttle.attempt("user" + i, "10.0." + (i / 256 % 256) + "." + (i % 256));
        }
        assertThat(store.size()).isLessThanOrEqualTo(1_000);
    }
}
