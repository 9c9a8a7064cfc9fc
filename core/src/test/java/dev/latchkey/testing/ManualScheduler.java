package dev.latchkey.testing;

import dev.latchkey.time.Scheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A scheduler that runs nothing by itself: {@link #tick} runs every task still scheduled, once, on the caller. */
public final class ManualScheduler implements Scheduler {
    /** A task as scheduled. */
    public record Task(String name, Duration interval, Runnable work) {}

    private final List<Task> tasks = new CopyOnWriteArrayList<>();

    @Override
    public Cancellable every(String name, Duration interval, Runnable work) {
        var task = new Task(name, interval, work);
        tasks.add(task);
        return () -> tasks.remove(task);
    }

    /** Runs each scheduled task once, as if its interval had passed. */
    public void tick() {
        tasks.forEach(task -> task.work().run());
    }

    /** The tasks scheduled and not cancelled. */
    public List<Task> tasks() {
        return List.copyOf(tasks);
    }
}
