package dev.latchkey.server.cli;

import dev.latchkey.server.tls.PemFiles;
import dev.latchkey.server.tls.SelfSignedCertificate;
import dev.latchkey.server.web.HttpServer;
import dev.latchkey.server.web.TrustedProxies;
import dev.latchkey.server.web.WebApp;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code latchkey serve}: Django's runserver, fit for production. */
@Command(name = "serve", description = "Run the server (HTTPS on 127.0.0.1:8443 by default).")
public final class ServeCommand implements Callable<Integer> {
    private final Terminal terminal;
    @Mixin CommonOptions common;
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
    @Option(names = "--trusted-proxy", paramLabel = "ADDRESS", split = ",",
            description = "A proxy (address or CIDR) whose X-Forwarded-For/-Proto are believed. Repeatable.")
    List<String> trustedProxies;
    @Option(names = "--redirect-http", paramLabel = "PORT",
            description = "Also listen on this plain-HTTP port, only to redirect to HTTPS.")
    Integer redirectPort;

    ServeCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() throws Exception {
        var settings = common.settings(terminal, flags());
        var server = settings.server();
        var proxies = TrustedProxies.of(server.trustedProxies());
        try (var latchkey = Engine.open(settings)) {
            PemFiles tls = null;
            if (!server.plainHttp()) {
                tls = server.tlsCert() != null ? new PemFiles(server.tlsCert(), server.tlsKey())
                        : SelfSignedCertificate.ensure(settings.dataDir().resolve("tls"), Clock.systemUTC());
            }
            var noUsersYet = latchkey.users().list(0, 1).isEmpty();
            try (var httpServer = new HttpServer(server.bind(), server.port(), tls, server.redirectPort(),
                    WebApp.handler(latchkey, proxies))) {
                httpServer.start();
                if (noUsersYet) {
                    terminal.out().println("No users yet. Create the first one with:  ./latchkey user create NAME "
                            + "--superuser --data " + settings.dataDir());
                }
                terminal.out().println("latchkey is serving on " + httpServer.uri()
                        + (tls != null && server.tlsCert() == null ? " (self-signed certificate for localhost in "
                        + settings.dataDir().resolve("tls") + ")" : ""));
                terminal.out().flush();
                httpServer.join();
            }
        }
        return 0;
    }

    private HashMap<String, String> flags() {
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
        return flags;
    }
}
