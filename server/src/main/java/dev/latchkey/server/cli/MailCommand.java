package dev.latchkey.server.cli;

import dev.latchkey.error.InvalidInput;
import dev.latchkey.mail.Letter;
import dev.latchkey.mail.MailFailure;
import dev.latchkey.mail.MailTemplates;
import dev.latchkey.mail.SmtpTransport;
import dev.latchkey.request.Language;
import dev.latchkey.user.Emails;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code latchkey mail test ADDRESS}: sends one mail now, through the configured server, and says how it went. */
@Command(name = "mail", description = "Check the mail settings.", subcommands = MailCommand.Test.class)
public final class MailCommand {

    @Command(name = "test", description = "Send a test mail to ADDRESS now, through mail.smtp_url, and report.")
    static final class Test implements Callable<Integer> {
        private final Terminal terminal;

        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "ADDRESS")
        String address;

        Test(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public Integer call() {
            var settings = common.settings(terminal, Map.of());
            if (settings.mail() == null) {
                terminal.err().println("mail is not set up: set mail.smtp_url (LATCHKEY_MAIL_SMTP_URL)");
                return 1;
            }
            var to = Emails.normalize(address);
            if (to.isEmpty()) {
                throw new InvalidInput("invalid_email", "an email address is required");
            }
            var site = settings.server().publicUrl() == null
                    ? "localhost"
                    : settings.server().publicUrl().getHost();
            var mail = new MailTemplates().write(new Letter("test", to, Language.EN, Map.of("site", site)));
            var transport = new SmtpTransport(
                    settings.mail().url(), settings.mail().from(), Engine.MAIL_TIMEOUT, Clock.systemUTC());
            try {
                transport.send(mail);
            } catch (MailFailure e) {
                terminal.err()
                        .println("not sent: " + e.getMessage()
                                + (e.getCause() == null
                                        ? ""
                                        : " (" + e.getCause().getMessage() + ")"));
                return 1;
            }
            terminal.out()
                    .println("sent a test mail to " + to + " through "
                            + settings.mail().url());
            return 0;
        }
    }
}
