package dev.latchkey.server.web;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An HTTP client with an explicit cookie jar, so tests can see, keep, drop and forge cookies exactly. It does not
 * follow redirects: tests look at them.
 */
public final class TestClient {
    private final TestServer server;
    private final HttpClient http;
    public final Map<String, String> cookies = new LinkedHashMap<>();

    TestClient(TestServer server) {
        this.server = server;
        this.http = HttpClient.newBuilder()
                .sslContext(server.sslContext())
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    public HttpResponse<String> get(String path, String... headers) {
        return send(builder(path, headers).GET());
    }

    public HttpResponse<String> delete(String path, String... headers) {
        return send(builder(path, headers).DELETE());
    }

    public HttpResponse<String> postJson(String path, String json, String... headers) {
        return send(builder(path, headers)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public HttpResponse<String> postForm(String path, Map<String, String> fields, String... headers) {
        var body = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(builder(path, headers)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public HttpResponse<String> send(HttpRequest.Builder builder) {
        if (!cookies.isEmpty()) {
            builder.header(
                    "Cookie",
                    cookies.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining("; ")));
        }
        try {
            var response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            keep(response.headers().allValues("set-cookie"));
            return response;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder builder(String path, String... headers) {
        var builder = HttpRequest.newBuilder(server.base().resolve(path)).timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder;
    }

    /** Signs alice in through the JSON API and answers the CSRF token. */
    public String signIn() {
        var response =
                postJson("/api/session", "{\"username\": \"alice\", \"password\": \"" + TestServer.PASSWORD + "\"}");
        if (response.statusCode() != 200) {
            throw new AssertionError("sign-in failed: " + response.statusCode() + " " + response.body());
        }
        return cookies.get("__Host-lk_csrf");
    }

    private void keep(List<String> setCookies) {
        for (var header : setCookies) {
            var nameValue = header.split(";", 2)[0];
            var parts = nameValue.split("=", 2);
            var name = parts[0].trim();
            if (header.toLowerCase(Locale.ROOT).contains("max-age=0") || parts.length < 2 || parts[1].isEmpty()) {
                cookies.remove(name);
            } else {
                cookies.put(name, parts[1]);
            }
        }
    }
}
