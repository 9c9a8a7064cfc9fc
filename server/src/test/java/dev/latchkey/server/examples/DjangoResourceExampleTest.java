package dev.latchkey.server.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.web.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/django-resource}: a DRF view behind the example's authentication class, with Debian's Django, DRF
 * and PyJWT, verifying an access token of a running latchkey from its JWKS alone.
 */
class DjangoResourceExampleTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path EXAMPLE =
            Path.of("../examples/django-resource").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void aDrfViewTrustsLatchkeysAccessTokenThroughTheJwksAndRefusesATamperedOne() throws Exception {
        requireDjango();
        try (var latchkey = TestServer.plain(dir, List.of())) {
            latchkey.latchkey().groups().create("editors");
            var alice = latchkey.latchkey().users().find("alice").orElseThrow();
            latchkey.latchkey().groups().set(alice, List.of("editors"));
            var pair = latchkey.client()
                    .postJson("/api/jwt", "{\"username\":\"alice\",\"password\":\"" + TestServer.PASSWORD + "\"}");
            var access = new ObjectMapper().readTree(pair.body()).get("access").asText();
            var jwks = latchkey.base().toString().replace("localhost", "127.0.0.1") + ".well-known/jwks.json";

            var out = dir.resolve("out.json");
            var process = new ProcessBuilder(
                            PYTHON.toString(), EXAMPLE.resolve("check.py").toString(), jwks, access)
                    .redirectOutput(out.toFile())
                    .redirectError(dir.resolve("err.txt").toFile())
                    .start();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue())
                    .as(Files.readString(dir.resolve("err.txt")))
                    .isZero();
            var results = new ObjectMapper().readTree(Files.readString(out));
            assertThat(results.at("/valid/status").asInt()).isEqualTo(200);
            assertThat(results.at("/valid/body/id").asLong()).isEqualTo(alice.id());
            assertThat(results.at("/valid/body/groups").toString()).isEqualTo("[\"editors\"]");
            assertThat(results.at("/valid/body/editor").asBoolean()).isTrue();
            for (var refused : List.of("tampered", "none", "garbage")) {
                assertThat(results.at("/" + refused + "/status").asInt())
                        .as(refused)
                        .isEqualTo(401);
            }
        }
    }

    static void requireDjango() throws Exception {
        int status = -1;
        if (Files.isExecutable(PYTHON)) {
            var check = new ProcessBuilder(PYTHON.toString(), "-c", "import django, rest_framework, jwt")
                    .redirectErrorStream(true)
                    .start();
            status = check.waitFor(30, TimeUnit.SECONDS) ? check.exitValue() : -1;
        }
        if (status != 0) {
            var message = "\n*** Django, DRF or PyJWT is missing (apt-get install python3-django"
                    + " python3-djangorestframework python3-jwt): the example is SKIPPED. ***\n";
            System.err.println(message);
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("Django is required under CI=true" + message);
            }
            Assumptions.abort(message);
        }
    }
}
