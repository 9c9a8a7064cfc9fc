package dev.latchkey.server.cli;

import dev.latchkey.Latchkey;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.server.config.Settings;
import dev.latchkey.server.logging.LogSetup;
import dev.latchkey.server.tls.PemFiles;
import dev.latchkey.server.tls.SelfSignedCertificate;
import dev.latchkey.server.web.WebApp;
import dev.latchkey.server.web.http.Cors;
import dev.latchkey.server.web.http.Health;
import dev.latchkey.server.web.http.HttpServer;
import dev.latchkey.server.web.http.Management;
import dev.latchkey.server.web.http.StartingHandler;
import dev.latchkey.server.web.http.TrustedProxies;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.eclipse.jetty.http.HttpCookie;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code latchkey serve}: Django's runserver, fit for production. */
@Command(name = "serve", description = "Run the server (HTTPS on 127.0.0.1:8443 by default).")
public final class ServeCommand implements Callable<Integer> {
    private final Terminal terminal;

    @Mixin
    CommonOptions common;

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (default 8443; 0: any free one).")
    Integer port;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address to listen on (default 127.0.0.1).")
    String bind;

    @Option(names = "--http", description = "Plain HTTP, for use behind a TLS-terminating proxy.")
    boolean http;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Certificate chain (PEM); reloaded on change.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key (PEM, unencrypted PKCS#8 or SEC1).")
    Path tlsKey;

    @Option(
            names = "--trusted-proxy",
            paramLabel = "ADDRESS",
            split = ",",
            description = "A proxy (address or CIDR) whose X-Forwarded-For/-Proto are believed. Repeatable.")
    List<String> trustedProxies;

    @Option(
            names = "--redirect-http",
            paramLabel = "PORT",
            description = "Also listen on this plain-HTTP port, only to redirect to HTTPS.")
    Integer redirectPort;

    @Option(
            names = "--management-port",
            paramLabel = "PORT",
            description = "Serve /metrics (Prometheus), /healthz and /readyz on this plain-HTTP port, on loopback "
                    + "unless server.management_bind says otherwise.")
    Integer managementPort;

    @Option(
            names = "--warmup",
            hidden = true,
            description = "Start, send this server a few requests, and exit: the launcher's class-data training run.")
    boolean warmup;

    ServeCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() throws Exception {
        var settings = common.settings(terminal, flags());
        var proxies = TrustedProxies.of(settings.server().trustedProxies());
        var tls = certificate(settings);
        LogSetup.apply(settings.log());
        var prometheus = settings.server().managementPort() == null
                ? null
                : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // The database (pool, migrations) opens on another core while TLS and Jetty start on this one; requests
        // that arrive meanwhile wait for it (StartingHandler).
        var opening = CompletableFuture.supplyAsync(() ->
                Engine.serving(settings, terminal.env(), prometheus == null ? new SimpleMeterRegistry() : prometheus));
        var starting = new StartingHandler();
        var httpServer = listen(settings.server(), tls, proxies, prometheus != null, starting, opening);
        try (httpServer;
                var latchkey = opened(opening, starting)) {
            serve(latchkey, settings, proxies, starting, httpServer, prometheus);
            announce(latchkey, settings, httpServer, tls);
            if (warmup) {
                Warmup.exercise(httpServer.uri(), tls);
                return 0;
            }
            httpServer.join();
        }
        return 0;
    }

    /** What one client, and all of them, may hold of the server. */
    private static HttpServer.Limits limits(Settings.Server server) {
        return new HttpServer.Limits(server.maxConnectionsPerClient(), server.headerTimeout(), server.bodyTimeout());
    }

    /** The configured certificate, the self-signed one in the data directory (made if missing), or none for HTTP. */
    private static PemFiles certificate(Settings settings) {
        var server = settings.server();
        if (server.plainHttp()) {
            return null;
        }
        return server.tlsCert() != null
                ? new PemFiles(server.tlsCert(), server.tlsKey())
                : SelfSignedCertificate.ensure(settings.dataDir().resolve("tls"), Clock.systemUTC());
    }

    /**
     * Jetty listening, every request handed to {@code starting} until the application is ready. If it cannot
     * listen, the engine being opened is closed once open, and the failure reported.
     */
    private static HttpServer listen(
            Settings.Server server,
            PemFiles tls,
            TrustedProxies proxies,
            boolean metrics,
            StartingHandler starting,
            CompletableFuture<Latchkey> opening)
            throws Exception {
        HttpServer httpServer;
        try {
            httpServer =
                    new HttpServer(server.bind(), server.port(), tls, server.redirectPort(), limits(server), proxies);
            if (metrics) {
                httpServer.addManagement(server.managementBind(), server.managementPort());
            }
        } catch (RuntimeException e) {
            closeOnceOpen(opening);
            throw e;
        }
        try {
            httpServer.start(starting);
        } catch (Exception e) {
            closeOnceOpen(opening);
            httpServer.close();
            throw e instanceof java.io.IOException
                    ? new LatchkeyException(
                            "cannot_listen",
                            1,
                            "cannot listen on " + server.bind() + ":" + server.port() + ": " + e.getMessage())
                    : e;
        }
        return httpServer;
    }

    /**
     * Closes the engine being opened, once it is open, without waiting for it. Its future is dropped: the command is
     * already failing with the error that matters, and whether the engine then opened or closed cleanly is not news.
     */
    private static void closeOnceOpen(CompletableFuture<Latchkey> opening) {
        var unused = opening.thenAccept(Latchkey::close);
    }

    /** The application behind the listening server, and the metrics on the management port if there is one. */
    private void serve(
            Latchkey latchkey,
            Settings settings,
            TrustedProxies proxies,
            StartingHandler starting,
            HttpServer httpServer,
            PrometheusMeterRegistry prometheus) {
        var server = settings.server();
        // The signing key is made on the first start, and must open on every later one: fail now, not later.
        latchkey.signingKeys().signingKey();
        var health = new Health(latchkey.database());
        var options = new WebApp.Options(proxies, settings.log().requests(), limits(server), server.publicUrl(), health)
                .crossOrigin(
                        Cors.of(server.corsOrigins()),
                        HttpCookie.SameSite.valueOf(server.cookieSameSite().toUpperCase(Locale.ROOT)));
        starting.ready(WebApp.handler(latchkey, options));
        httpServer.drainOnShutdown(server.drainTime(), health::drain);
        if (prometheus != null) {
            httpServer.manage(new Management(prometheus, health, latchkey.json()));
            terminal.out()
                    .println("metrics on http://" + server.managementBind() + ":" + httpServer.managementPort()
                            + "/metrics");
        }
    }

    /** Where latchkey serves, and how to make the first user when there is none. */
    private void announce(Latchkey latchkey, Settings settings, HttpServer httpServer, PemFiles tls) {
        if (latchkey.users().list(0, 1).isEmpty()) {
            terminal.out()
                    .println("No users yet. Create the first one with:  ./latchkey user create NAME "
                            + "--superuser --data " + settings.dataDir());
        }
        terminal.out().println(mailState(latchkey, settings));
        terminal.out().println(passkeyState(settings));
        terminal.out()
                .println("latchkey is serving on " + httpServer.uri()
                        + (tls != null && settings.server().tlsCert() == null
                                ? " (self-signed certificate for localhost in "
                                        + settings.dataDir().resolve("tls") + ")"
                                : ""));
        terminal.out().flush();
    }

    /** One line on passkeys: their RP id and origins, or why they are off. */
    static String passkeyState(Settings settings) {
        var webauthn = settings.webauthn();
        if (webauthn == null) {
            return "passkeys are off (no server.public_url for the WebAuthn RP id)";
        }
        return "passkeys for RP id " + webauthn.rpId() + " from "
                + String.join(", ", new java.util.TreeSet<>(webauthn.origins()));
    }

    /** One line on mail, and with it password reset, verification and invitations. */
    static String mailState(Latchkey latchkey, Settings settings) {
        var accounts = settings.accounts();
        var signup = "sign-up " + accounts.signup().name().toLowerCase(java.util.Locale.ROOT);
        if (settings.mail() == null) {
            return "mail is off (no mail.smtp_url): password reset, email verification and invitations are off; "
                    + signup;
        }
        if (settings.server().publicUrl() == null) {
            return "mail is off (no server.public_url for the links in mail): password reset, email verification and"
                    + " invitations are off; " + signup;
        }
        return "mail goes to " + settings.mail().url() + " from "
                + settings.mail().from() + "; " + signup
                + ", email verification " + accounts.verification().name().toLowerCase(java.util.Locale.ROOT)
                + (latchkey.accounts().mailOn() ? "" : " (mail is off)");
    }

    private static Latchkey opened(CompletableFuture<Latchkey> opening, StartingHandler starting) throws Exception {
        try {
            return opening.get();
        } catch (ExecutionException e) {
            starting.failed(e.getCause());
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    private Map<String, String> flags() {
        var flags = new HashMap<String, String>();
        if (port != null) {
            flags.put("server.port", port.toString());
        }
        if (bind != null) {
            flags.put("server.bind", bind);
        }
        if (http) {
            flags.put("server.http", "true");
        }
        if (tlsCert != null) {
            flags.put("server.tls_cert", tlsCert.toAbsolutePath().toString());
        }
        if (tlsKey != null) {
            flags.put("server.tls_key", tlsKey.toAbsolutePath().toString());
        }
        if (trustedProxies != null && !trustedProxies.isEmpty()) {
            flags.put("server.trusted_proxies", String.join(",", trustedProxies));
        }
        if (redirectPort != null) {
            flags.put("server.redirect_http_port", redirectPort.toString());
        }
        if (managementPort != null) {
            flags.put("server.management_port", managementPort.toString());
        }
        return flags;
    }
}
