package dev.latchkey.time;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link Scheduler#daemonThreads()}: a single-thread executor per task. */
final class DaemonThreads implements Scheduler {
    private static final Logger log = LoggerFactory.getLogger(DaemonThreads.class);

    @Override
    public Cancellable every(String name, Duration interval, Runnable task) {
        var executor = Executors.newSingleThreadScheduledExecutor(r -> {
            var thread = new Thread(r, "latchkey-" + name);
            thread.setDaemon(true);
            return thread;
        });
        // An executor stops repeating a task that throws; this contract says it goes on.
        Runnable guarded = () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("{} failed; running it again in {}", name, interval, e);
            }
        };
        // A repeating task's future completes only when the task throws (guarded catches what tasks throw) or is
        // cancelled (shutdown): there is nothing in it to wait for.
        var unused = executor.scheduleWithFixedDelay(
                guarded, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        // shutdown, not shutdownNow: the periodic task is cancelled, and a run under way finishes uninterrupted.
        return executor::shutdown;
    }
}
