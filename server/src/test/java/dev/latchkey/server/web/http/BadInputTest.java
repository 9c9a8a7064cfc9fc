package dev.latchkey.server.web.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.web.ServerTest;
import dev.latchkey.server.web.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Malformed, missing, oversized and hostile input: a clear 4xx in JSON, never a 500 or a stack trace. */
class BadInputTest extends ServerTest {
    @Test
    void malformedJsonBodiesAreRefusedWithTheirReason() {
        assertError(post("{not json"), 400, "malformed_json");
        assertError(post(""), 400, "malformed_json");
        assertError(post("[1,2]"), 400, "malformed_json");
        assertError(post("\"alice\""), 400, "malformed_json");
        assertError(post("null"), 400, "malformed_json");
        assertError(post("{\"username\":\"alice\"}"), 400, "missing_field");
        assertError(post("{\"password\":\"x\"}"), 400, "missing_field");
        assertError(post("{\"username\":null,\"password\":\"x\"}"), 400, "missing_field");
        assertError(post("{\"username\":42,\"password\":\"x\"}"), 400, "invalid_field");
        assertError(post("{\"username\":\"alice\",\"password\":[\"x\"]}"), 400, "invalid_field");
        assertError(post("{\"username\":\"alice\",\"password\":\"\"}"), 400, "invalid_password");
        assertError(
                post("{\"username\":\"alice\",\"password\":\"" + "x".repeat(5000) + "\"}"), 400, "invalid_password");
        assertError(post("{\"username\":\"alice\",\"password\":\"\\ud800\"}"), 400, "invalid_password");
    }

    @Test
    void extraFieldsAreIgnored() {
        var response = post("{\"username\":\"alice\",\"password\":\"" + TestServer.PASSWORD
                + "\",\"remember\":true,\"nested\":{\"a\":[1]}}");
        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void wrongContentTypesAreRefused() {
        var client = server.client();
        var response = client.send(client.builder("/api/session")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"alice\",\"password\":\"x\"}")));
        assertError(response, 415, "unsupported_media_type");
        var form = client.send(client.builder("/api/session")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=alice&password=x")));
        assertError(form, 415, "unsupported_media_type");
    }

    @Test
    void hugeBodiesAreRefusedWith413() throws Exception {
        // A 10 MB body is refused from its declared length, before the server reads it.
        var answer = rawRequest("POST /api/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
                + "\r\nContent-Length: " + (10 * 1024 * 1024) + "\r\n\r\n{\"username\":");
        assertThat(answer).startsWith("HTTP/1.1 413 ").contains("\"error\":\"body_too_large\"");
        // A chunked body that only turns out too large while it is read is refused too.
        var justOver = "{\"username\":\"alice\",\"password\":\"" + "x".repeat(Exchange.MAX_BODY) + "\"}";
        var client = server.client();
        var chunked = client.send(client.builder("/api/session")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofString(justOver))));
        assertError(chunked, 413, "body_too_large");
        assertError(post(justOver), 413, "body_too_large");
    }

    /** Sends raw bytes over TLS and answers what came back first (the status line and a little more). */
    private static String rawRequest(String request) throws Exception {
        var factory = server.sslContext().getSocketFactory();
        try (var socket = factory.createSocket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            var buffer = new byte[4096];
            var out = new java.io.ByteArrayOutputStream();
            int n;
            while ((n = socket.getInputStream().read(buffer)) > 0) {
                out.write(buffer, 0, n);
                if (out.toString(java.nio.charset.StandardCharsets.UTF_8).contains("}")) {
                    break;
                }
            }
            return out.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void oversizedHeadersAreRefusedWith431InJson() {
        var client = server.client();
        var response = client.get("/api/me", "X-Filler", "y".repeat(40_000));
        assertError(response, 431, "request_header_fields_too_large");
        assertThat(response.body()).doesNotContain("<html");
    }

    @Test
    void unknownRoutesAndMethodsUnderApiAreJson() {
        var client = server.client();
        assertError(client.get("/api/nothing-here"), 404, "not_found");
        var wrongMethod = client.send(client.builder("/api/me").PUT(HttpRequest.BodyPublishers.ofString("{}")));
        assertError(wrongMethod, 405, "method_not_allowed");
        assertThat(wrongMethod.headers().firstValue("allow")).hasValue("GET, HEAD");
        var patch = client.send(client.builder("/api/session").method("PATCH", HttpRequest.BodyPublishers.noBody()));
        assertError(patch, 405, "method_not_allowed");
        assertThat(patch.headers().firstValue("allow")).hasValue("POST, GET, HEAD, DELETE");
    }

    @Test
    void hostileQueryStringsAndPathsAreHarmless() throws Exception {
        var client = server.client();
        // %25 is an escaped percent sign: next is "%zz", no path of this site, so the form returns to /.
        var escaped = client.get("/login?next=%25zz");
        assertThat(escaped.statusCode()).isEqualTo(200);
        assertThat(escaped.body()).contains("name=\"next\" value=\"/\"");
        // A percent sign that starts no escape is a malformed query (sent raw: the HTTP client refuses to).
        var malformed = rawRequest("GET /login?next=%zz HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(malformed).startsWith("HTTP/1.1 400 ").contains("\"error\":\"invalid_input\"");
        assertThat(client.get("/login?next=" + "a".repeat(5000)).statusCode()).isEqualTo(200);
        // Dot segments are removed before routing (RFC 3986 §5.2.4): this is /api/me, and the caller anonymous.
        // Sent raw, because the HTTP client would remove them itself.
        var dots = rawRequest("GET /api/../api/me HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(dots).startsWith("HTTP/1.1 401 ").contains("\"error\":\"not_authenticated\"");
        // An encoded dot segment is ambiguous: Jetty refuses it before any handler runs.
        assertError(client.get("/%2e%2e/etc/passwd"), 400, "bad_request");
    }

    private static HttpResponse<String> post(String json) {
        return server.client().postJson("/api/session", json);
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(response.body())
                .startsWith("{\"error\":\"" + code + "\",\"detail\":\"")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }
}
