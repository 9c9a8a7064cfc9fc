package dev.latchkey.server.cli;

import dev.latchkey.server.tls.PemFiles;
import dev.latchkey.server.tls.Trust;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The requests of {@code serve --warmup}: the launcher runs it once after a build with
 * {@code -XX:ArchiveClassesAtExit}, so that the classes a real start and its first requests need are archived
 * (AppCDS) and later starts map them instead of loading and verifying them again.
 */
final class Warmup {
    private Warmup() {}

    static void exercise(URI base, PemFiles tls) throws Exception {
        var builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (tls != null) {
            builder.sslContext(Trust.only(tls.load().leaf()));
        }
        var client = builder.build();
        var localhost = URI.create(base.getScheme() + "://localhost:" + base.getPort() + "/");
        send(client, HttpRequest.newBuilder(localhost.resolve("/healthz")).build());
        send(client, HttpRequest.newBuilder(localhost.resolve("/login")).build());
        send(client, HttpRequest.newBuilder(localhost.resolve("/api/me")).build());
        send(
                client,
                HttpRequest.newBuilder(localhost.resolve("/api/session"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"username\":\"warmup\",\"password\":\"warmup-pass\"}"))
                        .build());
    }

    private static void send(HttpClient client, HttpRequest request) throws Exception {
        client.send(request, HttpResponse.BodyHandlers.discarding());
    }
}
