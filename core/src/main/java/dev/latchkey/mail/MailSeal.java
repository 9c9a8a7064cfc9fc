package dev.latchkey.mail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.crypto.SecretBox;

/**
 * A mail's body as it waits in the outbox: sealed under the instance secret, since it holds single-use links, and
 * bound to its recipient and kind, so a sealed body moved to another row does not open. Without an instance secret
 * (a library user's choice) bodies are stored plain, marked so.
 */
public final class MailSeal {
    private static final String PLAIN = "plain:";
    private final SecretBox box;
    private final ObjectMapper json;

    /** @param box null to store bodies plain */
    public MailSeal(SecretBox box, ObjectMapper json) {
        this.box = box;
        this.json = json;
    }

    private record Body(String subject, String text, String html) {}

    public Outbox.Outgoing seal(Mail mail) {
        String written;
        try {
            written = json.writeValueAsString(new Body(mail.subject(), mail.text(), mail.html()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a mail body could not be written", e);
        }
        var sealed = box == null ? PLAIN + written : box.seal(written, associated(mail.to(), mail.kind()));
        return new Outbox.Outgoing(mail.to(), mail.kind(), sealed);
    }

    /** The mail again; {@link IllegalStateException} when the body does not open (another secret, tampering). */
    public Mail open(Outbox.Queued queued) {
        var body = queued.sealedBody();
        String written;
        if (body.startsWith(PLAIN)) {
            written = body.substring(PLAIN.length());
        } else if (box == null) {
            throw new IllegalStateException("a sealed mail needs the instance secret to open");
        } else {
            written = box.open(body, associated(queued.recipient(), queued.kind()));
        }
        try {
            var read = json.readValue(written, Body.class);
            return new Mail(queued.recipient(), queued.kind(), read.subject(), read.text(), read.html());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a mail body could not be read", e);
        }
    }

    private static String associated(String recipient, String kind) {
        return kind + "\n" + recipient;
    }
}
