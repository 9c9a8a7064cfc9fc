package dev.latchkey.mail;

/** Hands a mail to whatever delivers it (an SMTP server, {@link SmtpTransport}). Called only off request threads. */
@FunctionalInterface
public interface MailTransport {
    void send(Mail mail) throws MailFailure;
}
