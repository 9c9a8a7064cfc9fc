package dev.latchkey.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A real SMTP server for tests (GreenMail, in process) behind a relay of this class's own, so that a test can make
 * the server slow ({@link #delay}) or take it away and bring it back on the same port ({@link #stop},
 * {@link #start}) while latchkey keeps the one address.
 */
public final class Mailbox implements AutoCloseable {
    private static final Pattern LINK = Pattern.compile("https?://\\S+");
    private final ServerSocket relay;
    private final Thread acceptor;
    private volatile GreenMail server;
    private volatile Duration delay = Duration.ZERO;
    private final List<MimeMessage> earlier = new ArrayList<>();

    private Mailbox() throws IOException {
        relay = new ServerSocket();
        relay.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        acceptor = new Thread(this::accept, "mailbox-relay");
        acceptor.setDaemon(true);
        acceptor.start();
        start();
    }

    public static Mailbox open() {
        try {
            return new Mailbox();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The address latchkey sends to: {@code smtp://127.0.0.1:PORT}. */
    public String url() {
        return "smtp://127.0.0.1:" + relay.getLocalPort();
    }

    public int port() {
        return relay.getLocalPort();
    }

    /** Each answer of the SMTP server reaches latchkey this much later. */
    public void delay(Duration delay) {
        this.delay = delay;
    }

    /** Takes the SMTP server away: connections to {@link #url} are closed at once. Mail it had is kept. */
    public synchronized void stop() {
        if (server != null) {
            for (var m : server.getReceivedMessages()) {
                earlier.add(m);
            }
            server.stop();
            server = null;
        }
    }

    public synchronized void start() {
        if (server == null) {
            var started = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
            started.start();
            server = started;
        }
    }

    /** A mail as received. */
    public record Received(String to, String subject, String text, String html) {
        /** The first link in the plain-text body. */
        public String link() {
            var m = LINK.matcher(text);
            if (!m.find()) {
                throw new AssertionError("no link in the mail: " + text);
            }
            return m.group();
        }

        /** The last path segment of {@link #link}: the token. */
        public String token() {
            var link = link();
            return link.substring(link.lastIndexOf('/') + 1);
        }
    }

    /** Every mail received so far, in order. */
    public synchronized List<Received> received() {
        var all = new ArrayList<MimeMessage>(earlier);
        if (server != null) {
            all.addAll(List.of(server.getReceivedMessages()));
        }
        var out = new ArrayList<Received>();
        for (var m : all) {
            out.add(read(m));
        }
        return out;
    }

    /** Mails received for one address. */
    public List<Received> to(String address) {
        return received().stream().filter(r -> r.to().equalsIgnoreCase(address)).toList();
    }

    /** Waits until {@code count} mails in all have arrived, or fails. */
    public List<Received> await(int count, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (received().size() < count) {
            if (System.nanoTime() > end) {
                throw new AssertionError("expected " + count + " mails, got " + received());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        return received();
    }

    /** Waits for the {@code count}-th mail to {@code address}, or fails after 15 seconds. */
    public Received awaitTo(String address, int count) {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (to(address).size() < count) {
            if (System.nanoTime() > end) {
                throw new AssertionError("no mail " + count + " for " + address + ": " + received());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        return to(address).get(count - 1);
    }

    private static Received read(MimeMessage m) {
        try {
            var to = m.getRecipients(Message.RecipientType.TO)[0].toString();
            String text = "";
            String html = "";
            if (m.getContent() instanceof Multipart parts) {
                for (int i = 0; i < parts.getCount(); i++) {
                    var part = parts.getBodyPart(i);
                    if (part.isMimeType("text/plain")) {
                        text = part.getContent().toString();
                    } else if (part.isMimeType("text/html")) {
                        html = part.getContent().toString();
                    }
                }
            } else {
                text = m.getContent().toString();
            }
            return new Received(to, m.getSubject(), text, html);
        } catch (jakarta.mail.MessagingException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void accept() {
        while (!relay.isClosed()) {
            try {
                var client = relay.accept();
                var target = server;
                if (target == null) {
                    client.close();
                    continue;
                }
                var upstream = new Socket(
                        InetAddress.getLoopbackAddress(), target.getSmtp().getPort());
                pump(client, upstream, Duration.ZERO);
                pump(upstream, client, null);
            } catch (IOException e) {
                // the relay was closed, or one connection failed: go on with the next
            }
        }
    }

    /** Copies {@code from} to {@code to}; with {@code fixed} null, each chunk waits the current {@link #delay}. */
    private void pump(Socket from, Socket to, Duration fixed) {
        var thread = new Thread(
                () -> {
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        var buffer = new byte[8192];
                        int n;
                        while ((n = in.read(buffer)) > 0) {
                            var wait = fixed == null ? delay : fixed;
                            if (!wait.isZero()) {
                                Thread.sleep(wait.toMillis());
                            }
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    } catch (IOException | InterruptedException e) {
                        // one side closed
                    } finally {
                        close(from);
                        close(to);
                    }
                },
                "mailbox-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        stop();
        try {
            relay.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
