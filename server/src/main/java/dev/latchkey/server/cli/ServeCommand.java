package dev.latchkey.server.cli;

import dev.latchkey.server.tls.PemFiles;
import dev.latchkey.server.tls.SelfSignedCertificate;
import dev.latchkey.server.web.HttpServer;
import dev.latchkey.server.web.JsonResponses;
import dev.latchkey.server.web.Routes;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.HashMap;
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

    ServeCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() throws Exception {
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
        var settings = common.settings(terminal, flags);
        try (var latchkey = Engine.open(settings)) {
            var server = settings.server();
            PemFiles.Loaded tls = null;
            if (!server.plainHttp()) {
                tls = SelfSignedCertificate.ensure(settings.dataDir().resolve("tls"), Clock.systemUTC()).load();
            }
            var routes = new Routes(new JsonResponses(new ObjectMapper()), tls != null);
            var noUsersYet = latchkey.users().list(0, 1).isEmpty();
            try (var httpServer = new HttpServer(server.bind(), server.port(), tls, routes)) {
                httpServer.start();
                if (noUsersYet) {
                    terminal.out().println("No users yet. Create the first one with:  ./latchkey user create NAME "
                            + "--superuser --data " + settings.dataDir());
                }
                terminal.out().println("latchkey is serving on " + httpServer.uri()
                        + (tls != null ? " (self-signed certificate for localhost in "
                        + settings.dataDir().resolve("tls") + ")" : ""));
                terminal.out().flush();
                httpServer.join();
            }
        }
        return 0;
    }
}
