package dev.latchkey.server.cli;

import static dev.latchkey.server.cli.UserCommandTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.Latchkey;
import dev.latchkey.auth.Credentials;
import dev.latchkey.jwt.InvalidAccessToken;
import dev.latchkey.jwt.InvalidRefreshToken;
import dev.latchkey.jwt.TokenPair;
import dev.latchkey.request.RequestContext;
import dev.latchkey.server.config.SettingsLoader;
import dev.latchkey.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportCommandTest {
    private static final String SAMPLE = "/vectors/django-dumpdata-auth-user.sample.json";

    @TempDir
    Path data;

    @TempDir
    Path files;

    @Test
    void theSampleImportsAndAliceSignsInWithHerDjangoPassword() throws IOException {
        var file = sample();
        var cli = new Cli(data);
        var result = cli.run("import", "django", file.toString());
        assertThat(result.status()).as(result.err()).isZero();
        assertThat(result.out()).contains("imported 1 users (1 new, 0 updated)");

        try (var latchkey = Engine.open(SettingsLoader.load(data, Map.of(), Map.of()), Map.of())) {
            var alice = latchkey.authenticator()
                    .authenticate(
                            RequestContext.NONE, new Credentials.Password("alice", "correct horse battery staple"));
            assertThat(alice.user().lastLogin()).isNotNull();
            // The first sign-in moved her to Argon2id.
            assertThat(latchkey.userStore()
                            .findCredentials("alice")
                            .orElseThrow()
                            .passwordHash())
                    .startsWith("argon2$argon2id$");
        }
    }

    @Test
    void importedEmailsAreUnverifiedUnlessTheOperatorSaysSo() throws IOException {
        var file = write(
                "with-email.json",
                Files.readString(sample()).replace("\"email\": \"\"", "\"email\": \"alice@example.com\""));
        var cli = new Cli(data);
        assertThat(cli.run("import", "django", file.toString()).status()).isZero();
        try (var latchkey = Engine.open(SettingsLoader.load(data, Map.of(), Map.of()), Map.of())) {
            assertThat(latchkey.users().find("alice").orElseThrow().emailVerified())
                    .isFalse();
        }
        assertThat(cli.run("import", "django", "--emails-verified", file.toString())
                        .status())
                .isZero();
        try (var latchkey = Engine.open(SettingsLoader.load(data, Map.of(), Map.of()), Map.of())) {
            assertThat(latchkey.users().find("alice").orElseThrow().emailVerified())
                    .isTrue();
        }
    }

    @Test
    void reImportUpdatesAndNeverDuplicates() throws IOException {
        var file = sample();
        var cli = new Cli(data);
        cli.run("import", "django", file.toString());
        var again = cli.run("import", "django", file.toString());
        assertThat(again.out()).contains("imported 1 users (0 new, 1 updated)");
        assertThat(cli.run("user", "list")
                        .out()
                        .lines()
                        .filter(l -> l.contains("alice"))
                        .count())
                .isEqualTo(1);
    }

    @Test
    void reImportingAChangedPasswordHashEndsThatUsersSessionsAndTokenFamilies() throws IOException {
        var cli = new Cli(data);
        var sample = sample();
        assertThat(cli.run("import", "django", sample.toString()).status()).isZero();
        String session;
        TokenPair pair;
        try (var latchkey = open()) {
            var alice = latchkey.users().find("alice").orElseThrow().id();
            session =
                    latchkey.sessions().login(null, alice, RequestContext.NONE).id();
            pair = latchkey.tokenFamilies().obtain(alice, null);
        }

        // The same dump again changes nothing: nobody is signed out.
        assertThat(cli.run("import", "django", sample.toString()).status()).isZero();
        try (var latchkey = open()) {
            assertThat(latchkey.sessions().find(session)).isPresent();
        }

        // The password was changed in Django meanwhile.
        var changed = write(
                "changed.json",
                Files.readString(sample)
                        .replace(
                                "pbkdf2_sha256$260000$wecZgj2DyciQszjsP0VdFm$sn1/XXwFENom9l/CPt0rWgC2lsOclolOp0J2GC3R9pE=",
                                "pbkdf2_sha256$260000$4v5GE8pwQfejUqhwUm718T$Qsjj9Hf9usX0UAOICF10L1qTrtK7Xm4brs8VguXTVCw="));
        var result = cli.run("import", "django", changed.toString());
        assertThat(result.status()).as(result.err()).isZero();
        try (var latchkey = open()) {
            assertThat(latchkey.sessions().find(session)).isEmpty();
            var tokens = latchkey.tokenFamilies();
            assertThatThrownBy(() -> tokens.refresh(pair.refresh(), RequestContext.NONE))
                    .isInstanceOf(InvalidRefreshToken.class);
            assertThatThrownBy(() -> tokens.verify(pair.access())).isInstanceOf(InvalidAccessToken.class);
        }
    }

    @Test
    void aBadRecordStopsTheImportAndNothingIsWritten() throws IOException {
        var cli = new Cli(data);
        var records = new StringBuilder("[");
        for (int i = 0; i < 50; i++) {
            records.append(record("user" + i)).append(",");
        }
        records.append(record("user7")).append("]");
        var file = write("dup.json", records.toString());

        assertRefused(cli.run("import", "django", file.toString()), "record 50: duplicate username user7");
        assertThat(cli.run("user", "list").out()).doesNotContain("user1");
    }

    @Test
    void aFiftyMegabyteDumpWhoseLastTokenNamesNobodyWritesNothing() throws IOException {
        var cli = new Cli(data);
        var file = files.resolve("big.json");
        long bytes = 0;
        int users = 0;
        try (var out = Files.newBufferedWriter(file)) {
            out.write("[{\"model\": \"auth.group\", \"pk\": 1, \"fields\": {\"name\": \"editors\"}}");
            while (bytes < 50L * 1024 * 1024) {
                var record = record("user" + users)
                        .replace("\"pk\": 1", "\"pk\": " + (users + 1))
                        .replace("\"date_joined\"", "\"groups\": [1], \"date_joined\"");
                out.write(",\n");
                out.write(record);
                bytes += record.length() + 2;
                users++;
            }
            out.write(",{\"model\": \"authtoken.token\", \"pk\": \"" + "a".repeat(40) + "\", \"fields\": {\"user\": "
                    + (users + 7) + ", \"created\": \"2026-11-27T05:57:47Z\"}}]");
        }
        assertRefused(
                cli.run("import", "django", file.toString()),
                "record " + (users + 1) + ": is a token for user pk " + (users + 7) + ", whom the dump does not hold");
        assertThat(cli.run("user", "list").out().lines().count()).isEqualTo(1);
        assertThat(cli.run("group", "list").out().lines().count()).isEqualTo(1);
    }

    @Test
    void aHashAskingForHoursOfWorkStopsTheImportNamingTheRecordAndNothingIsWritten() throws IOException {
        var cli = new Cli(data);
        var hostile = record("mallory").replace("pbkdf2_sha256$260000$s$h", "bcrypt$$2b$31$" + "a".repeat(53));
        var file = write("hostile.json", "[" + record("alice") + "," + hostile + "]");

        assertRefused(
                cli.run("import", "django", file.toString()),
                "record 1 (mallory): password bcrypt hash asks for cost 31; latchkey takes 4 to 16");
        assertThat(cli.run("user", "list").out()).doesNotContain("alice");
    }

    @Test
    void aUsernameWithANewlineOrAnInvisibleCharacterStopsTheImportNamingTheRecord() throws IOException {
        var cli = new Cli(data);
        for (var hidden : new String[] {"\\n", "\\u0000", "\\u001b[2J", "\\u202e", "\\u200b", "\\ufeff"}) {
            var file = write("hidden.json", "[" + record("alice") + "," + record("ad" + hidden + "min") + "]");
            assertRefused(
                    cli.run("import", "django", file.toString()),
                    "record 1: usernames may not contain control characters");
        }
        assertThat(cli.run("user", "list").out()).doesNotContain("alice");
    }

    @Test
    void filesThatAreNotDumpsAreRefused() throws IOException {
        var cli = new Cli(data);
        assertRefused(
                cli.run("import", "django", write("a.json", "this is not json").toString()), "not valid JSON");
        assertRefused(
                cli.run("import", "django", write("b.json", "[" + record("a")).toString()), "truncated");
        assertRefused(
                cli.run(
                        "import",
                        "django",
                        write("c.json", "[" + record("a").replace("auth.user", "blog.post") + "]")
                                .toString()),
                "record 0: is not an auth.user, auth.group or authtoken.token record");
        assertRefused(cli.run("import", "django", data.resolve("missing.json").toString()), "no file");
        assertThat(cli.run("user", "list").out().lines().count()).isEqualTo(1);
    }

    @Test
    void unknownHashFormatsAreImportedButReported() throws IOException {
        var cli = new Cli(data);
        var file = write("odd.json", "[" + record("odd").replace("pbkdf2_sha256$260000$s$h", "scrypt$x$y") + "]");
        var result = cli.run("import", "django", file.toString());
        assertThat(result.status()).isZero();
        assertThat(result.err()).contains("1 users have password hashes latchkey does not know");
    }

    @Test
    void importsIntoPostgresql() throws IOException {
        try (var pg = TestDatabase.postgres()) {
            var url = pg.url().jdbcUrl();
            var cli = new Cli(data).env("LATCHKEY_DB_URL", url);
            var result = cli.run("import", "django", sample().toString());
            assertThat(result.status()).as(result.err()).isZero();
            assertThat(new dev.latchkey.store.JdbcUserStore(pg.database()).findByUsername("alice"))
                    .isPresent();
        }
    }

    private Latchkey open() {
        return Engine.open(SettingsLoader.load(data, Map.of(), Map.of()), Map.of());
    }

    private Path sample() throws IOException {
        try (var in = getClass().getResourceAsStream(SAMPLE)) {
            var file = files.resolve("sample.json");
            Files.write(file, in.readAllBytes());
            return file;
        }
    }

    private Path write(String name, String content) throws IOException {
        var file = files.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    static String record(String username) {
        return "{\"model\": \"auth.user\", \"pk\": 1, \"fields\": {\"password\": \"pbkdf2_sha256$260000$s$h\","
                + " \"last_login\": null, \"is_superuser\": false, \"username\": \"" + username + "\","
                + " \"email\": \"\", \"is_staff\": false, \"is_active\": true,"
                + " \"date_joined\": \"2026-11-27T05:57:47.289Z\"}}";
    }
}
