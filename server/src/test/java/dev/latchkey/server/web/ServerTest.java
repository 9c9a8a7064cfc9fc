package dev.latchkey.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Base of tests that share one real HTTPS server per test class. */
public abstract class ServerTest {
    @TempDir
    protected static Path dir;

    protected static TestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestServer.https(dir);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    /** RFC 6750's answer to a presented token that is no good, in the scheme the client used. */
    protected static void assertInvalidToken(HttpResponse<String> response, String scheme) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("www-authenticate"))
                .hasValue(scheme + " realm=\"latchkey\", error=\"invalid_token\"");
        assertThat(response.body()).startsWith("{\"error\":\"invalid_token\",\"detail\":");
    }

    protected static String group(Pattern pattern, HttpResponse<String> response) {
        var m = pattern.matcher(response.body());
        if (!m.find()) {
            throw new AssertionError("no match in " + response.body());
        }
        return m.group(1);
    }
}
