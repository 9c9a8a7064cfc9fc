package dev.latchkey.server.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** A plain HTTP client for the cluster tests: JSON in, status and body out, cookies carried by hand. */
final class Http {
    private static final Pattern JSON_STRING = Pattern.compile("\"%s\"\\s*:\\s*\"([^\"]*)\"");

    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    record Answer(int status, String body, Map<String, List<String>> headers) {
        Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream())
                    .findFirst();
        }

        /** The value of a cookie this answer sets, if it does. */
        Optional<String> cookie(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase("set-cookie"))
                    .flatMap(e -> e.getValue().stream())
                    .filter(c -> c.startsWith(name + "="))
                    .map(c -> c.substring(name.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
                    .findFirst();
        }

        /** A top-level string field of a JSON body (enough for these answers). */
        String field(String name) {
            var m = Pattern.compile(String.format(JSON_STRING.pattern(), Pattern.quote(name)))
                    .matcher(body);
            if (!m.find()) {
                throw new AssertionError("no \"" + name + "\" in " + body);
            }
            return m.group(1);
        }
    }

    /** Sends a request; {@code headers} are name, value, name, value… */
    Answer send(String method, URI uri, String json, String... headers) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20));
        var names = new ArrayList<String>();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
            names.add(headers[i]);
        }
        if (json != null) {
            if (!names.contains("Content-Type")) {
                request.header("Content-Type", "application/json");
            }
            request.method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        var response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(
                response.statusCode(), response.body(), response.headers().map());
    }

    Answer get(URI uri, String... headers) throws IOException, InterruptedException {
        return send("GET", uri, null, headers);
    }

    Answer post(URI uri, String json, String... headers) throws IOException, InterruptedException {
        return send("POST", uri, json, headers);
    }

    static String credentials(String username, String password) {
        return "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}";
    }
}
