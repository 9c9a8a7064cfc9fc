package dev.latchkey.mail;

import dev.latchkey.time.Scheduler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what waits in the {@link Outbox}, on a background thread: no answer to a request ever waits on SMTP, so a
 * slow or unreachable server changes neither what a request is told nor how long it takes. A mail the server did
 * not take is tried again after growing delays ({@code firstRetry}, doubled each time, at most an hour apart) until
 * {@code giveUpAfter} has passed since it was written; a permanent refusal (5xx for the address) ends it at once.
 */
public final class MailDelivery {
    private static final Logger log = LoggerFactory.getLogger(MailDelivery.class);
    /**
     * How long a claimed mail is this sender's: longer than the worst send (connect, each command and the message,
     * each within the transport's timeout), so that another node never takes a mail still being sent.
     */
    private static final Duration LEASE = Duration.ofMinutes(10);

    private static final Duration MAX_DELAY = Duration.ofHours(1);
    private static final int MAX_ERROR = 500;

    private final Outbox outbox;
    private final MailTransport transport;
    private final MailSeal seal;
    private final Clock clock;
    private final Duration firstRetry;
    private final Duration giveUpAfter;
    private final Counter sent;
    private final Counter retried;
    private final Counter failed;
    private Scheduler.Cancellable running;

    public MailDelivery(
            Outbox outbox,
            MailTransport transport,
            MailSeal seal,
            Clock clock,
            MeterRegistry meters,
            Duration firstRetry,
            Duration giveUpAfter) {
        this.outbox = outbox;
        this.transport = transport;
        this.seal = seal;
        this.clock = clock;
        this.firstRetry = firstRetry;
        this.giveUpAfter = giveUpAfter;
        this.sent = meters.counter("latchkey.mail.sent");
        this.retried = meters.counter("latchkey.mail.failed", "final", "false");
        this.failed = meters.counter("latchkey.mail.failed", "final", "true");
        Gauge.builder("latchkey.mail.queued", outbox, o -> {
                    try {
                        return o.countQueued();
                    } catch (RuntimeException e) {
                        return Double.NaN;
                    }
                })
                .description("mails neither sent nor given up")
                .register(meters);
    }

    /** Starts sending, every {@code interval}, on the scheduler's thread. */
    public synchronized void start(Scheduler scheduler, Duration interval) {
        if (running == null) {
            running = scheduler.every("mail", interval, this::deliverDue);
        }
    }

    public synchronized void stop() {
        if (running != null) {
            running.cancel();
            running = null;
        }
    }

    /** Sends every mail due now; answers how many were sent. */
    public int deliverDue() {
        int delivered = 0;
        // One claim per mail, just before it is sent: a lease never runs out on mails still waiting in a batch.
        for (var due = outbox.claimDue(clock.instant(), LEASE, 1);
                !due.isEmpty();
                due = outbox.claimDue(clock.instant(), LEASE, 1)) {
            if (deliver(due.get(0))) {
                delivered++;
            }
        }
        return delivered;
    }

    private boolean deliver(Outbox.Queued queued) {
        Mail mail;
        try {
            mail = seal.open(queued);
        } catch (RuntimeException e) {
            log.error("mail {} ({}) cannot be opened and is given up: {}", queued.id(), queued.kind(), e.getMessage());
            outbox.markFailed(queued.id(), clock.instant(), "cannot be opened");
            failed.increment();
            return false;
        }
        try {
            transport.send(mail);
            outbox.markSent(queued.id(), clock.instant());
            sent.increment();
            return true;
        } catch (MailFailure e) {
            var now = clock.instant();
            var error = describe(e);
            if (e.permanent() || !now.isBefore(queued.created().plus(giveUpAfter))) {
                log.warn(
                        "mail {} ({}) given up after {} attempts: {}",
                        queued.id(),
                        queued.kind(),
                        queued.attempts() + 1,
                        error);
                outbox.markFailed(queued.id(), now, error);
                failed.increment();
            } else {
                var next = now.plus(delay(queued.attempts()));
                log.warn("mail {} ({}) not sent, trying again at {}: {}", queued.id(), queued.kind(), next, error);
                outbox.retryAt(queued.id(), next, error);
                retried.increment();
            }
            return false;
        }
    }

    private Duration delay(int attempts) {
        var delay = firstRetry;
        for (int i = 0; i < attempts && delay.compareTo(MAX_DELAY) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
    }

    private static String describe(MailFailure e) {
        var text = e.getMessage();
        if (e.getCause() != null && e.getCause().getMessage() != null) {
            // The server's own words, one line: never the mail's content, which this exception does not carry.
            text += ": " + e.getCause().getMessage().replaceAll("[\\r\\n]+", " ");
        }
        return text.length() > MAX_ERROR ? text.substring(0, MAX_ERROR) : text;
    }
}
