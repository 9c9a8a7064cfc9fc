package dev.latchkey.server.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.server.web.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/native-app}, built as its own Maven project and run as a command against a live latchkey over HTTPS
 * (its self-signed certificate given as {@code --ca}): sign-in keeps the pair in an owner-only file, {@code me}
 * answers the user and groups, refreshes on a 401 and near expiry (rotating the pair in the file), two runs at once do
 * not spend one refresh token twice, a refused refresh token means signing in again, and sign-out revokes the family.
 */
class NativeAppExampleTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static TestServer latchkey;
    static String classpath;
    static long aliceId;

    @BeforeAll
    static void start() throws Exception {
        var example = ExampleBuild.build(
                "native-app", "package", "dependency:build-classpath", "-Dmdep.outputFile=target/classpath.txt");
        classpath = ExampleBuild.classpath(example);
        latchkey = TestServer.https(dir.resolve("latchkey"));
        latchkey.latchkey().groups().create("editors");
        var alice = latchkey.latchkey().users().find("alice").orElseThrow();
        latchkey.latchkey().groups().set(alice, List.of("editors"));
        aliceId = alice.id();
    }

    @AfterAll
    static void stop() {
        if (latchkey != null) {
            latchkey.close();
        }
    }

    @Test
    void signsInKeepsThePairOwnerOnlyCallsMeAndSignsOut() throws Exception {
        var store = dir.resolve("a/config/tokens.json");
        assertThat(run(store, "", "me").exit()).isEqualTo(2);
        var refused = run(store, "wrong password\n", "signin", "alice");
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(store).doesNotExist();

        assertThat(run(store, TestServer.PASSWORD + "\n", "signin", "alice").exit())
                .isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.getParent())))
                .isEqualTo("rwx------");
        var me = run(store, "", "me");
        assertThat(me.exit()).as(me.err()).isZero();
        var user = JSON.readTree(me.out());
        assertThat(user.get("id").asLong()).isEqualTo(aliceId);
        assertThat(user.get("username").asText()).isEqualTo("alice");
        assertThat(user.get("groups").toString()).isEqualTo("[\"editors\"]");

        var access = read(store).get("access").asText();
        var signedOut = run(store, "", "signout");
        assertThat(signedOut.exit()).as(signedOut.err()).isZero();
        assertThat(store).doesNotExist();
        // The family is revoked: its access token stops working at once, not at its expiry.
        assertThat(latchkey.client()
                        .get("/api/me", "Authorization", "Bearer " + access)
                        .statusCode())
                .isEqualTo(401);
        assertThat(run(store, "", "me").exit()).isEqualTo(2);
    }

    @Test
    void aRefusedOrExpiringAccessTokenIsRefreshedAndThePairRotatedInTheFile() throws Exception {
        var store = dir.resolve("b/tokens.json");
        assertThat(run(store, TestServer.PASSWORD + "\n", "signin", "alice").exit())
                .isZero();
        var first = read(store);

        // A forged access token (its signature changed): latchkey answers 401, the app refreshes once and goes on.
        var forged = first.deepCopy();
        var token = first.get("access").asText();
        forged.put("access", token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA"));
        write(store, forged);
        var afterForged = run(store, "", "me");
        assertThat(afterForged.exit()).as(afterForged.err()).isZero();
        assertThat(JSON.readTree(afterForged.out()).get("id").asLong()).isEqualTo(aliceId);
        var second = read(store);
        assertThat(second.get("refresh").asText())
                .isNotEqualTo(first.get("refresh").asText());
        assertThat(second.get("access").asText())
                .isNotEqualTo(forged.get("access").asText());

        // Near expiry: refreshed before the call; and two runs at once refresh once (the file's lock), so latchkey
        // never sees a spent refresh token again (which would end the whole family).
        var expiring = second.deepCopy();
        expiring.put("access_expires_at", Instant.now().getEpochSecond() + 5);
        write(store, expiring);
        var runs = List.of(start(store, "", "me"), start(store, "", "me"));
        for (var process : runs) {
            var done = finish(process);
            assertThat(done.exit()).as(done.err()).isZero();
            assertThat(JSON.readTree(done.out()).get("id").asLong()).isEqualTo(aliceId);
        }
        var third = read(store);
        assertThat(third.get("refresh").asText())
                .isNotEqualTo(second.get("refresh").asText());
        assertThat(run(store, "", "me").exit()).isZero();
        try (var files = Files.list(store.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("tokens.json", "tokens.json.lock");
        }
    }

    @Test
    void aForgedRefreshTokenMeansSigningInAgainAndTheCertificateIsNeverTrustedBlindly() throws Exception {
        var store = dir.resolve("c/tokens.json");
        assertThat(run(store, TestServer.PASSWORD + "\n", "signin", "alice").exit())
                .isZero();
        var pair = read(store);
        pair.put("refresh", "lkr_" + "A".repeat(43));
        pair.put("access_expires_at", 0);
        write(store, pair);
        var refused = run(store, "", "me");
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("sign in again");
        assertThat(store).doesNotExist();

        // Without --ca the JDK's own trust store is used, which does not hold latchkey's self-signed certificate.
        var untrusted = new ArrayList<>(command(store, false));
        untrusted.addAll(List.of("signin", "alice"));
        var noCa = finish(launch(untrusted, TestServer.PASSWORD + "\n"));
        assertThat(noCa.exit()).isEqualTo(1);
        assertThat(noCa.err()).containsIgnoringCase("ssl");
        assertThat(store).doesNotExist();
    }

    private record Result(int exit, String out, String err) {}

    private static ObjectNode read(Path store) throws Exception {
        return (ObjectNode) JSON.readTree(Files.readString(store));
    }

    private static void write(Path store, ObjectNode pair) throws Exception {
        Files.writeString(store, JSON.writeValueAsString(pair));
    }

    private static List<String> command(Path store, boolean trust) {
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var command = new ArrayList<>(List.of(
                java,
                "-cp",
                classpath,
                "example.nativeapp.NativeApp",
                "--url",
                latchkey.base().toString(),
                "--store",
                store.toString()));
        if (trust) {
            command.addAll(List.of("--ca", latchkey.certificate().toString()));
        }
        return command;
    }

    private static Result run(Path store, String stdin, String... args) throws Exception {
        return finish(start(store, stdin, args));
    }

    private static Process start(Path store, String stdin, String... args) throws Exception {
        var command = new ArrayList<>(command(store, true));
        command.addAll(List.of(args));
        return launch(command, stdin);
    }

    private static Process launch(List<String> command, String stdin) throws Exception {
        var builder = new ProcessBuilder(command);
        builder.environment().remove("LATCHKEY_URL");
        builder.environment().remove("LATCHKEY_CA");
        var process = builder.start();
        try (var in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        return process;
    }

    private static Result finish(Process process) throws Exception {
        var out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        var err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), out, err);
    }
}
