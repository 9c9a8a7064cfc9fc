package dev.latchkey.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SchedulerTest {

    @Test
    void daemonThreadsRepeatATaskThatThrewAndEndTheirThreadWhenCancelled() throws Exception {
        var runs = new AtomicInteger();
        var thread = new AtomicReference<Thread>();
        var thirdRun = new CountDownLatch(3);
        var task = Scheduler.daemonThreads().every("test-task", Duration.ofMillis(5), () -> {
            thread.set(Thread.currentThread());
            thirdRun.countDown();
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("the first run fails");
            }
        });
        assertThat(thirdRun.await(10, TimeUnit.SECONDS))
                .as("runs again after a failure")
                .isTrue();
        assertThat(thread.get().getName()).isEqualTo("latchkey-test-task");
        assertThat(thread.get().isDaemon()).as("never keeps the JVM alive").isTrue();

        task.cancel();
        thread.get().join(10_000);
        assertThat(thread.get().isAlive()).isFalse();
    }
}
