package dev.latchkey.mail;

import java.util.Objects;

/**
 * One message to one address, written: a plain-text and an HTML body of the same words.
 *
 * @param kind what the mail is for ({@code password_reset}, ...), for logs, metrics and tests; never its content
 */
public record Mail(String to, String kind, String subject, String text, String html) {
    public Mail {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(html, "html");
    }

    @Override
    public String toString() {
        // The bodies carry single-use links: a mail printed by accident must not print them.
        return "Mail[kind=" + kind + "]";
    }
}
