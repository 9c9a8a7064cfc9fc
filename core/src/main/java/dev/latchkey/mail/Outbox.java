package dev.latchkey.mail;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Mail waiting to be sent, in the database so that none is lost across a restart. Mail that carries a token is
 * written by that token's own transaction (see {@code account.AccountStore}); this is the sender's side.
 */
public interface Outbox {

    /** A written mail, its body sealed ({@link MailSeal}). */
    record Outgoing(String recipient, String kind, String sealedBody) {}

    /** A mail due to be sent, claimed by one sender. */
    record Queued(long id, String recipient, String kind, String sealedBody, int attempts, Instant created) {}

    void enqueue(List<Outgoing> mails, Instant now);

    /**
     * Up to {@code limit} mails due at {@code now}, each claimed for {@code lease}: another node's sender skips them
     * until the lease ends, so a mail is sent once however many nodes send.
     */
    List<Queued> claimDue(Instant now, Duration lease, int limit);

    /** Sent: the body (and the links in it) is deleted; the row stays as a record until purged. */
    void markSent(long id, Instant at);

    void retryAt(long id, Instant next, String error);

    /** Given up: a permanent refusal, or too long undelivered. The body is deleted too. */
    void markFailed(long id, Instant at, String error);

    /** Mails neither sent nor given up. */
    long countQueued();

    /** Deletes sent and failed mails older than {@code before}; answers how many. */
    int deleteFinishedBefore(Instant before);
}
