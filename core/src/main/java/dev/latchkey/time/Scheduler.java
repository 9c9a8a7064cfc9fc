package dev.latchkey.time;

import java.time.Duration;

/**
 * Runs background work again and again, a fixed delay apart. Injected as the clock is, so that a test runs the work
 * when it chooses instead of waiting for real time to pass.
 */
public interface Scheduler {

    /**
     * Runs {@code task} every {@code interval}, the first time one interval from now, until it is cancelled. A task
     * that throws is run again at the next interval all the same.
     *
     * @param name what the work is, for the thread that runs it and the log
     */
    Cancellable every(String name, Duration interval, Runnable task);

    /** Work scheduled with {@link #every}; {@link #cancel} stops it (a run under way finishes). */
    interface Cancellable {
        void cancel();
    }

    /** Each task on a daemon thread of its own, named {@code latchkey-NAME}, so that none keeps the JVM alive. */
    static Scheduler daemonThreads() {
        return new DaemonThreads();
    }
}
