package dev.latchkey.server.web.http;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads a request body before any blocking work starts, without holding a thread while the client sends it: Jetty
 * calls back as bytes arrive, each chunk is copied and released at once, and only the finished body is handed to the
 * pool for handling. A client that trickles its body (one byte every few seconds, a slow-body attack) therefore holds
 * a connection and at most {@link Exchange#MAX_BODY} bytes, never one of the threads that every other client needs;
 * and it has a deadline for the whole body, however steadily it trickles.
 */
public final class BodyReader implements Invocable.Task {
    /** A body too large but not absurdly so is read and dropped, so the client can read the 413 cleanly. */
    static final int DRAIN_LIMIT = 1024 * 1024;

    /** What became of the body. */
    public sealed interface Outcome permits Complete, TooLarge, TimedOut, Failed, OverBudget {}

    /** The whole body. A class, not a record: a record would compare its bytes by identity. */
    public static final class Complete implements Outcome {
        private final byte[] bytes;

        public Complete(byte[] bytes) {
            this.bytes = bytes;
        }

        public byte[] bytes() {
            return bytes;
        }
    }

    public record TooLarge() implements Outcome {}

    public record TimedOut() implements Outcome {}

    public record Failed(Throwable cause) implements Outcome {}

    /** The bytes of large bodies held at once by all clients together reached their budget. */
    public record OverBudget() implements Outcome {}

    /**
     * How many bytes of bodies the process holds at once, across all connections: without a bound, thousands of
     * connections each holding an almost complete 64 KiB body could fill the heap. Bodies declared no larger than
     * {@link #SMALL} (every sign-in) are not counted, so an attacker who fills the budget cannot stop sign-ins.
     */
    public static final class Budget {
        static final int SMALL = 4 * 1024;
        private final long limit;
        private final java.util.concurrent.atomic.AtomicLong held = new java.util.concurrent.atomic.AtomicLong();

        public Budget(long limit) {
            this.limit = limit;
        }

        boolean take(long bytes) {
            if (held.addAndGet(bytes) > limit) {
                held.addAndGet(-bytes);
                return false;
            }
            return true;
        }

        void giveBack(long bytes) {
            held.addAndGet(-bytes);
        }

        long held() {
            return held.get();
        }
    }

    private final Request request;
    private final Consumer<Outcome> then;
    private final Budget budget;
    private final boolean counted;
    private final ByteArrayOutputStream body;
    private long taken;
    private final AtomicBoolean done = new AtomicBoolean();
    private long total;
    private Scheduler.Task deadline;

    private BodyReader(Request request, Budget budget, Consumer<Outcome> then) {
        this.request = request;
        this.budget = budget;
        this.then = then;
        long declared = request.getLength();
        this.counted = declared < 0 || declared > Budget.SMALL;
        // Sized to what is announced (within the cap), so a body is not copied again and again as it grows.
        this.body = new ByteArrayOutputStream(declared > 0 ? (int) Math.min(declared, Exchange.MAX_BODY) : 512);
    }

    /** Whether the request announces a body (a length above zero, or chunks). */
    public static boolean expected(Request request) {
        var headers = request.getHeaders();
        return headers.getLongField(HttpHeader.CONTENT_LENGTH) > 0
                || headers.contains(HttpHeader.TRANSFER_ENCODING, HttpHeaderValue.CHUNKED.asString());
    }

    /**
     * Reads the body and then runs {@code then} with the outcome on a pool thread (where blocking is allowed). A body
     * over {@link Exchange#MAX_BODY} is {@link TooLarge}; one not complete within {@code timeout} is
     * {@link TimedOut}.
     */
    public static void read(Request request, Duration timeout, Budget budget, Consumer<Outcome> then) {
        var reader = new BodyReader(request, budget, then);
        if (request.getLength() > DRAIN_LIMIT) {
            // Hopeless: answer at once and let the connection close rather than read megabytes.
            reader.finish(new TooLarge());
            return;
        }
        reader.deadline = request.getComponents()
                .getScheduler()
                .schedule(() -> reader.finish(new TimedOut()), timeout.toMillis(), TimeUnit.MILLISECONDS);
        reader.run();
    }

    /** Reads what has arrived, then asks to be called again, until the last chunk. */
    @Override
    public void run() {
        while (!done.get()) {
            var chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                chunk.release();
                finish(new Failed(chunk.getFailure()));
                return;
            }
            var buffer = chunk.getByteBuffer();
            int n = buffer.remaining();
            total += n;
            if (total <= Exchange.MAX_BODY) {
                if (counted && !budget.take(n)) {
                    chunk.release();
                    finish(new OverBudget());
                    return;
                }
                taken += counted ? n : 0;
                var bytes = new byte[n];
                buffer.get(bytes);
                body.write(bytes, 0, n);
            }
            boolean last = chunk.isLast();
            chunk.release();
            if (total > DRAIN_LIMIT) {
                finish(new TooLarge());
                return;
            }
            if (last) {
                finish(total > Exchange.MAX_BODY ? new TooLarge() : new Complete(body.toByteArray()));
                return;
            }
        }
    }

    /** Copying bytes never blocks, so Jetty may call this on its I/O thread. */
    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    private void finish(Outcome outcome) {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        if (deadline != null) {
            deadline.cancel();
        }
        request.getContext().execute(() -> {
            try {
                then.accept(outcome);
            } finally {
                budget.giveBack(taken);
            }
        });
    }
}
