package dev.latchkey.mail;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Sends mail through one SMTP server with Jakarta Mail (Angus): STARTTLS required unless the server is on loopback,
 * the server's name checked against its certificate, every wait bounded by {@code timeout}. Addresses are parsed
 * strictly, so nothing in one can become a header; a subject is encoded, never written raw.
 */
public final class SmtpTransport implements MailTransport {
    private final SmtpUrl url;
    private final InternetAddress from;
    private final Session session;
    private final Clock clock;

    public SmtpTransport(SmtpUrl url, String from, Duration timeout, Clock clock) {
        this.url = url;
        this.clock = clock;
        try {
            this.from = new InternetAddress(from, true);
        } catch (AddressException e) {
            throw new IllegalArgumentException("the sender address is not valid: " + e.getMessage());
        }
        var protocol = protocol();
        var props = new Properties();
        var millis = Long.toString(timeout.toMillis());
        props.put("mail." + protocol + ".host", url.host());
        props.put("mail." + protocol + ".port", Integer.toString(url.port()));
        props.put("mail." + protocol + ".connectiontimeout", millis);
        props.put("mail." + protocol + ".timeout", millis);
        props.put("mail." + protocol + ".writetimeout", millis);
        props.put("mail." + protocol + ".auth", Boolean.toString(!url.user().isEmpty()));
        props.put("mail." + protocol + ".ssl.checkserveridentity", "true");
        if (!url.implicitTls()) {
            props.put("mail.smtp.starttls.enable", "true");
            props.put("mail.smtp.starttls.required", Boolean.toString(url.requiresStartTls()));
        }
        // Addresses in any script (RFC 6531) when the server supports SMTPUTF8.
        props.put("mail.mime.allowutf8", "true");
        this.session = Session.getInstance(props);
    }

    private String protocol() {
        return url.implicitTls() ? "smtps" : "smtp";
    }

    @Override
    public void send(Mail mail) throws MailFailure {
        MimeMessage message;
        try {
            message = message(mail);
        } catch (AddressException e) {
            throw new MailFailure("the address is not valid", true, e);
        } catch (MessagingException e) {
            throw new MailFailure("the mail could not be written", true, e);
        }
        try (var transport = session.getTransport(protocol())) {
            transport.connect(
                    url.host(),
                    url.port(),
                    url.user().isEmpty() ? null : url.user(),
                    url.user().isEmpty() ? null : url.password());
            transport.sendMessage(message, message.getAllRecipients());
        } catch (SMTPAddressFailedException e) {
            throw new MailFailure("the server refused the address: " + e.getReturnCode(), e.getReturnCode() >= 500, e);
        } catch (SMTPSendFailedException e) {
            throw new MailFailure("the server refused the mail: " + e.getReturnCode(), false, e);
        } catch (SendFailedException e) {
            // The server's answer for the address is the exception chained inside.
            for (Exception next = e.getNextException(); next != null; ) {
                if (next instanceof SMTPAddressFailedException refused) {
                    throw new MailFailure(
                            "the server refused the address: " + refused.getReturnCode(),
                            refused.getReturnCode() >= 500,
                            refused);
                }
                next = next instanceof MessagingException m ? m.getNextException() : null;
            }
            throw new MailFailure("the server refused the mail", false, e);
        } catch (MessagingException e) {
            throw new MailFailure("the SMTP server " + url + " could not be reached or failed", false, e);
        }
    }

    private MimeMessage message(Mail mail) throws MessagingException {
        var message = new MimeMessage(session);
        message.setFrom(from);
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(mail.to(), true));
        message.setSubject(mail.subject(), "UTF-8");
        message.setSentDate(Date.from(clock.instant()));
        var text = new MimeBodyPart();
        text.setText(mail.text(), "UTF-8");
        var html = new MimeBodyPart();
        html.setText(mail.html(), "UTF-8", "html");
        var body = new MimeMultipart("alternative");
        body.addBodyPart(text);
        body.addBodyPart(html);
        message.setContent(body);
        message.setHeader("Auto-Submitted", "auto-generated");
        message.saveChanges();
        return message;
    }
}
