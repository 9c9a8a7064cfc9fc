package dev.latchkey.server.web;

import dev.latchkey.Latchkey;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.server.tls.PemFiles;
import dev.latchkey.server.tls.SelfSignedCertificate;
import dev.latchkey.server.tls.Trust;
import dev.latchkey.server.web.http.HttpServer;
import dev.latchkey.server.web.http.Router;
import dev.latchkey.server.web.http.TrustedProxies;
import dev.latchkey.testing.TestDatabase;
import dev.latchkey.user.NewUser;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;

/**
 * The real server for a test: Jetty over HTTPS with a self-signed certificate on a random loopback port, the real
 * handler, a real SQLite database of its own, and a user {@code alice} with a known password.
 */
public final class TestServer implements AutoCloseable {
    public static final String PASSWORD = "correct horse battery staple";

    private final TestDatabase db;
    private final Latchkey latchkey;
    private final HttpServer server;
    private final Path dir;
    private final SSLContext trust;
    private final PemFiles pem;
    private LatchkeyHandler handler;

    private TestServer(Path dir, boolean https, List<String> trustedProxies) throws Exception {
        this(dir, https, trustedProxies, List.of());
    }

    private TestServer(
            Path dir, boolean https, List<String> trustedProxies, List<dev.latchkey.social.ProviderSettings> social)
            throws Exception {
        this(dir, https, trustedProxies, social, Clock.systemUTC());
    }

    private TestServer(
            Path dir,
            boolean https,
            List<String> trustedProxies,
            List<dev.latchkey.social.ProviderSettings> social,
            Clock clock)
            throws Exception {
        this(dir, https, trustedProxies, social, clock, HttpServer.Limits.DEFAULT, UnaryOperator.identity());
    }

    private TestServer(
            Path dir,
            boolean https,
            List<String> trustedProxies,
            List<dev.latchkey.social.ProviderSettings> social,
            Clock clock,
            HttpServer.Limits limits,
            UnaryOperator<WebApp.Options> options)
            throws Exception {
        this(dir, https, trustedProxies, social, clock, limits, null, 0, options);
    }

    private TestServer(
            Path dir,
            boolean https,
            List<String> trustedProxies,
            List<dev.latchkey.social.ProviderSettings> social,
            Clock clock,
            HttpServer.Limits limits,
            Mail mail,
            int port,
            UnaryOperator<WebApp.Options> options)
            throws Exception {
        this.dir = dir;
        this.db = TestDatabase.sqlite();
        // Argon2 at OWASP strength is the default; tests keep it, it costs ~25 ms a sign-in.
        var builder = Latchkey.builder(db.database())
                .clock(clock)
                .argon2(Argon2Settings.OWASP)
                .instanceSecret(dev.latchkey.crypto.Secrets.create().bytes(32))
                .socialProviders(social);
        URI publicUrl = port == 0 ? null : URI.create("https://localhost:" + port);
        if (publicUrl != null) {
            // With a public URL, passkeys for RP id "localhost", as the server would have them.
            builder.webauthn(dev.latchkey.webauthn.WebAuthnSettings.forPublicUrl(publicUrl, List.of()));
            // And the OpenID Provider, with this address its issuer, as the server would have it.
            builder.openIdProvider(publicUrl.toString());
        }
        if (mail != null) {
            builder.accounts(mail.accounts().withPublicUrl(publicUrl))
                    .mail(
                            new dev.latchkey.mail.SmtpTransport(
                                    dev.latchkey.mail.SmtpUrl.parse(
                                            mail.mailbox().url()),
                                    "latchkey@localhost",
                                    java.time.Duration.ofSeconds(10),
                                    Clock.systemUTC()),
                            java.time.Duration.ofSeconds(1));
        }
        this.latchkey = builder.build();
        latchkey.users().create(new NewUser("alice", "alice@example.com", false, false), Optional.of(PASSWORD));
        this.pem = https ? SelfSignedCertificate.ensure(dir.resolve("tls"), Clock.systemUTC()) : null;
        var proxies = TrustedProxies.of(trustedProxies);
        this.server = new HttpServer("127.0.0.1", port, pem, null, limits, proxies);
        // With accounts on, requests are logged as in production, so a test can read what the log would hold.
        this.handler =
                WebApp.handler(latchkey, options.apply(new WebApp.Options(proxies, mail != null, limits, publicUrl)));
        server.start(handler);
        this.trust = https ? trusting(pem.certificate()) : SSLContext.getDefault();
    }

    /** Accounts people run themselves, with mail to {@code mailbox}. */
    public record Mail(dev.latchkey.testing.Mailbox mailbox, dev.latchkey.account.AccountSettings accounts) {}

    /**
     * HTTPS with sign-up, reset and verification as {@code accounts} says, mail sent to {@code mailbox} by the
     * background sender (a first retry after 1 s), and {@code server.public_url} this server's own address, so that
     * the links in mail lead here.
     */
    public static TestServer https(Path dir, Mail mail, Clock clock) throws Exception {
        int port;
        try (var probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        // Loopback is a trusted proxy here, so a test can speak for many clients with X-Forwarded-For.
        return new TestServer(
                dir,
                true,
                List.of("127.0.0.1"),
                List.of(),
                clock,
                HttpServer.Limits.DEFAULT,
                mail,
                port,
                UnaryOperator.identity());
    }

    /**
     * HTTPS with open sign-up, verification required and mail to {@code mailbox}: the account flows as most
     * deployments that run them would have them.
     */
    public static TestServer openSignUp(Path dir, dev.latchkey.testing.Mailbox mailbox) throws Exception {
        return https(
                dir,
                new Mail(
                        mailbox,
                        new dev.latchkey.account.AccountSettings(
                                dev.latchkey.account.SignUpMode.OPEN,
                                dev.latchkey.account.EmailVerification.REQUIRED,
                                java.time.Duration.ofMinutes(30),
                                java.time.Duration.ofDays(3),
                                java.time.Duration.ofDays(7),
                                null)),
                Clock.systemUTC());
    }

    /** HTTPS with {@code server.public_url} its own address, so passkeys are on (RP id "localhost"). */
    public static TestServer withPublicUrl(Path dir, Clock clock) throws Exception {
        int port;
        try (var probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        return new TestServer(
                dir,
                true,
                List.of("127.0.0.1"),
                List.of(),
                clock,
                HttpServer.Limits.DEFAULT,
                null,
                port,
                UnaryOperator.identity());
    }

    public static TestServer https(Path dir) throws Exception {
        return new TestServer(dir, true, List.of());
    }

    /** HTTPS with these social-login providers configured. */
    public static TestServer https(Path dir, List<dev.latchkey.social.ProviderSettings> social) throws Exception {
        return new TestServer(dir, true, List.of(), social);
    }

    /** HTTPS with these providers, on a clock the test moves. */
    public static TestServer https(Path dir, List<dev.latchkey.social.ProviderSettings> social, Clock clock)
            throws Exception {
        return new TestServer(dir, true, List.of(), social, clock);
    }

    /**
     * HTTPS on a clock the test moves, with loopback a trusted proxy, so that a test can speak for many clients with
     * {@code X-Forwarded-For}.
     */
    public static TestServer httpsBehindProxy(Path dir, Clock clock) throws Exception {
        return new TestServer(
                dir, true, List.of("127.0.0.1"), List.of(), clock, HttpServer.Limits.DEFAULT, UnaryOperator.identity());
    }

    /** HTTPS with these limits on what one client may hold. */
    public static TestServer https(Path dir, HttpServer.Limits limits) throws Exception {
        return new TestServer(dir, true, List.of(), List.of(), Clock.systemUTC(), limits, UnaryOperator.identity());
    }

    /** HTTPS with the web layer's options changed by {@code options} (CORS, cookies). */
    public static TestServer https(Path dir, UnaryOperator<WebApp.Options> options) throws Exception {
        return new TestServer(dir, true, List.of(), List.of(), Clock.systemUTC(), HttpServer.Limits.DEFAULT, options);
    }

    public static TestServer plain(Path dir, List<String> trustedProxies) throws Exception {
        return new TestServer(dir, false, trustedProxies);
    }

    /** {@code https://localhost:PORT/} (the certificate names localhost). */
    public URI base() {
        var scheme = server.uri().getScheme();
        return URI.create(scheme + "://localhost:" + server.port() + "/");
    }

    public int port() {
        return server.port();
    }

    /** The routes the server answers, as registered. */
    public List<Router.Route> routes() {
        return handler.routes();
    }

    public Latchkey latchkey() {
        return latchkey;
    }

    public SSLContext sslContext() {
        return trust;
    }

    /** The PEM file of the self-signed certificate (for localhost) that a client must trust; HTTPS servers only. */
    public Path certificate() {
        if (pem == null) {
            throw new IllegalStateException("a plain HTTP server has no certificate");
        }
        return pem.certificate();
    }

    public TestClient client() {
        return new TestClient(this);
    }

    public Path dir() {
        return dir;
    }

    static SSLContext trusting(Path certificateFile) throws Exception {
        try (var in = Files.newInputStream(certificateFile)) {
            return Trust.only(
                    (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
    }

    @Override
    public void close() {
        server.close();
        latchkey.close();
        db.close();
    }
}
