package dev.latchkey.mail;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.crypto.SecretBox;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.request.Language;
import dev.latchkey.store.JdbcMailOutbox;
import dev.latchkey.testing.Mailbox;
import dev.latchkey.testing.MutableClock;
import dev.latchkey.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The outbox's sender against SMTP servers that work, refuse, answer 5xx or never answer. */
class MailDeliveryTest {
    private final MutableClock clock = MutableClock.at("2026-12-01T10:00:00Z");
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private TestDatabase db;
    private JdbcMailOutbox outbox;
    private MailSeal seal;

    @BeforeEach
    void open() {
        db = TestDatabase.sqlite();
        outbox = new JdbcMailOutbox(db.database());
        var secrets = Secrets.create();
        seal = new MailSeal(new SecretBox(secrets.bytes(32), "mail outbox", secrets), new ObjectMapper());
    }

    @AfterEach
    void close() {
        db.close();
    }

    private MailDelivery delivery(String url, Duration timeout) {
        return new MailDelivery(
                outbox,
                new SmtpTransport(SmtpUrl.parse(url), "latchkey@example.test", timeout, clock),
                seal,
                clock,
                meters,
                Duration.ofSeconds(30),
                Duration.ofDays(1));
    }

    private void enqueue(String to) {
        var mail = new MailTemplates().write(new Letter("test", to, Language.EN, Map.of("site", "example.test")));
        outbox.enqueue(List.of(seal.seal(mail)), clock.instant());
    }

    @Test
    void aSentMailLosesItsBodyAtRestAndIsCounted() {
        try (var mailbox = Mailbox.open()) {
            enqueue("ana@example.org");
            assertThat(delivery(mailbox.url(), Duration.ofSeconds(5)).deliverDue())
                    .isEqualTo(1);
            assertThat(mailbox.received()).hasSize(1);
            assertThat(mailbox.received().get(0).subject()).isEqualTo("latchkey test mail");
            assertThat(outbox.countQueued()).isZero();
            var bodies = db.database().sql().list("SELECT body FROM mail_outbox", s -> {}, r -> r.getString(1));
            assertThat(bodies).containsExactly("");
            assertThat(meters.counter("latchkey.mail.sent").count()).isEqualTo(1);
        }
    }

    @Test
    void aBodyWaitingInTheOutboxIsSealedNotPlain() {
        enqueue("ana@example.org");
        var bodies = db.database().sql().list("SELECT body FROM mail_outbox", s -> {}, r -> r.getString(1));
        assertThat(bodies.get(0)).doesNotContain("test mail").doesNotContain("example.test");
    }

    @Test
    void aServerThatAnswers5xxForTheAddressEndsTheMailAtOnce() throws Exception {
        try (var smtp = new ScriptedSmtp("550 5.1.1 no such mailbox")) {
            enqueue("gone@example.org");
            delivery("smtp://127.0.0.1:" + smtp.port(), Duration.ofSeconds(5)).deliverDue();
            assertThat(outbox.countQueued()).isZero();
            assertThat(meters.counter("latchkey.mail.failed", "final", "true").count())
                    .isEqualTo(1);
            var error = db.database().sql().list("SELECT last_error FROM mail_outbox", s -> {}, r -> r.getString(1));
            assertThat(error.get(0)).contains("550");
        }
    }

    @Test
    void aServerThatAnswers4xxIsTriedAgainLaterWithGrowingDelays() throws Exception {
        try (var smtp = new ScriptedSmtp("451 4.3.0 try later")) {
            enqueue("ana@example.org");
            var delivery = delivery("smtp://127.0.0.1:" + smtp.port(), Duration.ofSeconds(5));
            delivery.deliverDue();
            assertThat(outbox.countQueued()).isEqualTo(1);
            assertThat(delivery.deliverDue()).as("not due before its retry").isZero();
            assertThat(smtp.connections()).isEqualTo(1);
            clock.advance(Duration.ofSeconds(31));
            delivery.deliverDue();
            assertThat(smtp.connections()).isEqualTo(2);
            clock.advance(Duration.ofSeconds(31));
            delivery.deliverDue();
            assertThat(smtp.connections())
                    .as("the second delay is twice the first")
                    .isEqualTo(2);
            clock.advance(Duration.ofSeconds(30));
            delivery.deliverDue();
            assertThat(smtp.connections()).isEqualTo(3);
            clock.advance(Duration.ofDays(1));
            delivery.deliverDue();
            assertThat(outbox.countQueued())
                    .as("given up a day after it was written")
                    .isZero();
        }
    }

    @Test
    void aServerThatNeverAnswersCostsTheSenderItsTimeoutAndTheMailWaits() throws Exception {
        try (var silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            enqueue("ana@example.org");
            long start = System.nanoTime();
            delivery("smtp://127.0.0.1:" + silent.getLocalPort(), Duration.ofMillis(500))
                    .deliverDue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(outbox.countQueued()).isEqualTo(1);
        }
    }

    @Test
    void anAddressThatWouldInjectAHeaderIsNeverWritten() {
        try (var mailbox = Mailbox.open()) {
            enqueue("ana@example.org\r\nBcc: all@example.org");
            delivery(mailbox.url(), Duration.ofSeconds(5)).deliverDue();
            assertThat(mailbox.received()).isEmpty();
            assertThat(outbox.countQueued()).isZero();
        }
    }

    /** An SMTP server that greets, takes the sender, and answers every recipient with {@code rcptReply}. */
    private static final class ScriptedSmtp implements AutoCloseable {
        private final ServerSocket socket;
        private final Thread thread;
        private final java.util.concurrent.atomic.AtomicInteger connections =
                new java.util.concurrent.atomic.AtomicInteger();

        ScriptedSmtp(String rcptReply) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> serve(rcptReply), "scripted-smtp");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        int connections() {
            return connections.get();
        }

        private void serve(String rcptReply) {
            while (!socket.isClosed()) {
                try (var client = socket.accept()) {
                    connections.incrementAndGet();
                    var in = new BufferedReader(
                            new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
                    var out = new PrintWriter(
                            new OutputStreamWriter(client.getOutputStream(), StandardCharsets.US_ASCII), true);
                    out.print("220 scripted ESMTP\r\n");
                    out.flush();
                    String line;
                    boolean open = true;
                    while (open && (line = in.readLine()) != null) {
                        var command =
                                line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line;
                        switch (command) {
                            case "EHLO", "HELO" -> out.print("250 scripted\r\n");
                            case "MAIL" -> out.print("250 ok\r\n");
                            case "RCPT" -> out.print(rcptReply + "\r\n");
                            case "RSET", "NOOP" -> out.print("250 ok\r\n");
                            case "QUIT" -> {
                                out.print("221 bye\r\n");
                                open = false;
                            }
                            default -> out.print("502 no\r\n");
                        }
                        out.flush();
                    }
                } catch (IOException e) {
                    // closed
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
