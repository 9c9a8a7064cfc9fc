package dev.latchkey.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.config.SettingsLoader;
import dev.latchkey.testing.Mailbox;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mail test}, {@code user invite} and the verified column of {@code user list}, against a real SMTP server. */
class MailCommandTest {
    @TempDir
    Path data;

    @Test
    void mailTestSendsNowAndSaysSoOrSaysWhyNot() throws Exception {
        var off = new Cli(data).run("mail", "test", "ops@example.org");
        assertThat(off.status()).isEqualTo(1);
        assertThat(off.err()).contains("mail.smtp_url");
        try (var mailbox = Mailbox.open()) {
            var cli = new Cli(data)
                    .env("LATCHKEY_MAIL_SMTP_URL", mailbox.url())
                    .env("LATCHKEY_MAIL_FROM", "latchkey@example.org");
            var sent = cli.run("mail", "test", "ops@example.org");
            assertThat(sent.status()).as(sent.err()).isZero();
            assertThat(sent.out()).contains("sent a test mail to ops@example.org");
            assertThat(mailbox.to("ops@example.org")).hasSize(1);
            var hostile = cli.run("mail", "test", "ops@example.org\r\nBcc: all@example.org");
            assertThat(hostile.status()).isEqualTo(1);
            assertThat(hostile.err()).contains("control characters");
        }
        int closed;
        try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort();
        }
        var down = new Cli(data)
                .env("LATCHKEY_MAIL_SMTP_URL", "smtp://127.0.0.1:" + closed)
                .env("LATCHKEY_MAIL_FROM", "latchkey@example.org")
                .run("mail", "test", "ops@example.org");
        assertThat(down.status()).isEqualTo(1);
        assertThat(down.err()).startsWith("not sent: ");
    }

    @Test
    void anInvitationWaitsInTheOutboxForTheServerToSend() {
        var closed = new Cli(data).run("user", "invite", "new@example.org");
        assertThat(closed.status()).isEqualTo(1);
        try (var mailbox = Mailbox.open()) {
            var cli = new Cli(data)
                    .env("LATCHKEY_MAIL_SMTP_URL", mailbox.url())
                    .env("LATCHKEY_SERVER_PUBLIC_URL", "https://auth.example.org")
                    .env("LATCHKEY_ACCOUNTS_SIGNUP", "invite");
            var shut = cli.run("user", "invite", "new@example.org", "--staff");
            assertThat(shut.status()).as(shut.err()).isZero();
            assertThat(shut.out()).contains("invited new@example.org (staff)");
            assertThat(mailbox.received())
                    .as("a command leaves the sending to the server")
                    .isEmpty();
            var env = Map.of(
                    "LATCHKEY_MAIL_SMTP_URL", mailbox.url(),
                    "LATCHKEY_SERVER_PUBLIC_URL", "https://auth.example.org",
                    "LATCHKEY_ACCOUNTS_SIGNUP", "invite");
            try (var latchkey = Engine.open(SettingsLoader.load(data, env, Map.of()), env)) {
                assertThat(latchkey.outbox().countQueued()).isEqualTo(1);
            }
            var refused = cli.run("user", "invite", "new@example.org\nBcc: x@example.org");
            assertThat(refused.status()).isEqualTo(1);
        }
    }

    @Test
    void userListShowsWhenTheEmailWasVerified() {
        var cli = new Cli(data);
        assertThat(cli.runWithStdin(
                                "correct horse battery staple\n",
                                "user",
                                "create",
                                "ana",
                                "--email",
                                "ana@example.org",
                                "--email-verified",
                                "--password-stdin")
                        .status())
                .isZero();
        assertThat(cli.runWithStdin(
                                "correct horse battery staple\n",
                                "user",
                                "create",
                                "bo",
                                "--email",
                                "bo@example.org",
                                "--password-stdin")
                        .status())
                .isZero();
        var list = cli.run("user", "list").out();
        assertThat(list).contains("EMAIL VERIFIED");
        var ana = list.lines()
                .filter(l -> l.contains("ana@example.org"))
                .findFirst()
                .orElseThrow();
        var bo = list.lines()
                .filter(l -> l.contains("bo@example.org"))
                .findFirst()
                .orElseThrow();
        assertThat(ana).containsPattern("ana@example.org\\s+\\d{4}-\\d{2}-\\d{2}T");
        assertThat(bo).containsPattern("bo@example.org\\s+no\\s");
    }
}
