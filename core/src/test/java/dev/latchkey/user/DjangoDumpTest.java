package dev.latchkey.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.password.PasswordHashing;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DjangoDumpTest {
    private final DjangoDump dump =
            new DjangoDump(new ObjectMapper(), PasswordHashing.standard(Argon2Settings.OWASP, Secrets.create()));

    @Test
    void readsTheSampleDumpKeepingTheHash() throws Exception {
        try (var in = getClass().getResourceAsStream("/vectors/django-dumpdata-auth-user.sample.json")) {
            var users = dump.read(in, n -> {});
            assertThat(users).hasSize(1);
            var alice = users.get(0);
            assertThat(alice.username()).isEqualTo("alice");
            assertThat(alice.passwordHash())
                    .isEqualTo(
                            "pbkdf2_sha256$260000$wecZgj2DyciQszjsP0VdFm$sn1/XXwFENom9l/CPt0rWgC2lsOclolOp0J2GC3R9pE=");
            assertThat(alice.active()).isTrue();
            assertThat(alice.staff()).isFalse();
            assertThat(alice.dateJoined()).isEqualTo(Instant.parse("2026-11-27T05:57:47.289Z"));
            assertThat(alice.lastLogin()).isEqualTo(Instant.parse("2026-11-27T06:09:33.259Z"));
            assertThat(alice.toString()).doesNotContain("pbkdf2");
        }
    }

    @Test
    void reportsProgress() {
        var json = new StringBuilder("[");
        for (int i = 0; i < 2_500; i++) {
            json.append(i == 0 ? "" : ",").append(record("user" + i, "true"));
        }
        json.append("]");
        var seen = new ArrayList<Integer>();
        assertThat(read(json.toString(), seen)).hasSize(2_500);
        assertThat(seen).containsExactly(1_000, 2_000, 2_500);
    }

    @Test
    void naiveTimesAreTakenAsUtc() {
        var json = "[" + record("bob", "true").replace("2026-11-27T05:57:47.289Z", "2020-01-02T03:04:05") + "]";
        assertThat(read(json).get(0).dateJoined()).isEqualTo(Instant.parse("2020-01-02T03:04:05Z"));
    }

    @Test
    void badFilesAreRefusedWithTheRecordAndTheProblem() {
        assertProblem("not json at all", "not valid JSON");
        assertProblem("{\"model\": \"auth.user\"}", "not a JSON array");
        assertProblem("", "not a JSON array");
        assertProblem("[" + record("alice", "true"), "truncated");
        assertProblem("[" + record("alice", "true") + ", {\"model\": \"auth.us", "truncated");
        assertProblem("[" + record("alice", "true") + ", {\"model\" \"auth.user\"}]", "not valid JSON");
        assertProblem(
                "[" + record("alice", "true") + "," + record("alice", "false") + "]",
                "record 1: duplicate username alice (also record 0)");
        assertProblem(
                "[" + record("alice", "true").replace("auth.user", "blog.post") + "]",
                "record 0: is not an auth.user, auth.group or authtoken.token record");
        assertProblem("[" + record("alice", "\"yes\"") + "]", "record 0: is_active is not true or false");
        assertProblem("[" + record("bad name!", "true") + "]", "record 0: a username may contain only");
        assertProblem(
                "[" + record("alice", "true").replace("\"password\": \"pbkdf2", "\"password\": 42, \"x\": \"") + "]",
                "record 0: password is not a string");
        assertProblem(
                "[" + record("alice", "true").replace("2026-11-27T05:57:47.289Z", "yesterday") + "]",
                "record 0: date_joined is not an ISO 8601 time");
        assertProblem("[42]", "record 0: is not a JSON object");
        assertProblem("[{\"model\": \"auth.user\"}]", "record 0: has no \"fields\" object");
        assertProblem("[" + record("alice", "true") + "] []", "unexpected content after the JSON array");
        assertProblem("[" + record("alice", "true") + "] trailing", "not valid JSON");
    }

    @Test
    void aRecordWhoseHashAsksForHoursOfWorkIsRefusedNamingTheRecordAndTheUser() {
        var salt = "c2FsdHNhbHRzYWx0";
        var hostile = List.of(
                "bcrypt$$2b$31$" + "a".repeat(53),
                "argon2$argon2id$v=19$m=4194304,t=2,p=1$" + salt + "$" + salt,
                "argon2$argon2id$v=19$m=102400,t=1000,p=8$" + salt + "$" + salt,
                "pbkdf2_sha256$20000000$salt$" + salt);
        for (var hash : hostile) {
            var json = "[" + record("alice", "true") + "," + withHash(record("mallory", "true"), hash) + "]";
            assertProblem(
                    json, "record 1 (mallory): password " + hash.substring(0, hash.indexOf('$')) + " hash asks for");
        }
    }

    @Test
    void aUsernameOrEmailWithAControlCharacterIsRefusedNamingTheRecord() {
        // As JSON escapes: what a hostile or broken dump would hold.
        for (var hidden : new String[] {
            "\\u0000", "\\n", "\\r\\n", "\\t", "\\u001b[31m", "\\u202e", "\\u200b", "\\ufeff", "\\u2028"
        }) {
            assertProblem(
                    "[" + record("alice", "true") + "," + record("mal" + hidden + "lory", "true") + "]",
                    "record 1: usernames may not contain control characters");
            assertProblem(
                    "[" + record("alice", "true") + ","
                            + record("mallory", "true")
                                    .replace("\"email\": \"\"", "\"email\": \"m" + hidden + "@example.com\"")
                            + "]",
                    "record 1: email addresses may not contain control characters");
        }
    }

    @Test
    void hashesOfEveryDjangoDefaultAreWithinTheBounds() {
        var salt = "c2FsdHNhbHRzYWx0";
        var real = List.of(
                "pbkdf2_sha256$1000000$salt$" + salt,
                "pbkdf2_sha256$1200000$salt$" + salt,
                "pbkdf2_sha1$10000$salt$" + salt,
                "bcrypt$$2b$12$" + "a".repeat(53),
                "bcrypt_sha256$$2b$12$" + "a".repeat(53),
                "argon2$argon2id$v=19$m=102400,t=2,p=8$" + salt + "$" + salt,
                "argon2$argon2i$m=512,t=2,p=2$" + salt + "$" + salt,
                "md5$salt$0123456789abcdef0123456789abcdef",
                "!unusable",
                "scrypt$16384$salt$8$1$hash",
                "pbkdf2_sha256$260000$s$h");
        var json = new StringBuilder("[");
        for (int i = 0; i < real.size(); i++) {
            json.append(i == 0 ? "" : ",").append(withHash(record("user" + i, "true"), real.get(i)));
        }
        assertThat(read(json.append("]").toString()))
                .extracting(ImportedUser::passwordHash)
                .containsExactlyElementsOf(real);
    }

    @Test
    void readsGroupsMembershipsAndDrfTokensOfADumpOfAuthAndAuthtoken() throws Exception {
        try (var in = getClass().getResourceAsStream("/vectors/django-dumpdata-auth-authtoken.sample.json")) {
            var all = dump.readAll(in, n -> {});
            assertThat(all.users()).extracting(ImportedUser::username).containsExactly("alice", "bob");
            assertThat(all.groups()).containsExactly("editors", "Support, tier 2");
            assertThat(all.memberships())
                    .containsEntry("alice", List.of("editors", "Support, tier 2"))
                    .containsEntry("bob", List.of());
            assertThat(all.tokens())
                    .extracting(DjangoImport.Token::username, DjangoImport.Token::prefix)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("alice", "9944b0"),
                            org.assertj.core.groups.Tuple.tuple("bob", "012345"));
            // Only the hash of a key is kept.
            assertThat(all.tokens().get(0).keyHash())
                    .isEqualTo(Secrets.sha256Hex("9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"));
            assertThat(all.tokens().toString()).doesNotContain("9944b09199c62bcf");
        }
    }

    @Test
    void naturalKeysNameGroupsAndUsersAndRecordsMayComeInAnyOrder() {
        var json = "[" + TOKEN.replace("\"user\": 1", "\"user\": [\"alice\"]") + ","
                + record("alice", "true").replace("\"groups\": []", "\"groups\": [[\"ops\"], [\"관리자\"]]") + "]";
        var all = readAll(json);
        assertThat(all.groups()).containsExactly("ops", "관리자");
        assertThat(all.memberships()).containsEntry("alice", List.of("ops", "관리자"));
        assertThat(all.tokens()).extracting(DjangoImport.Token::username).containsExactly("alice");
        var byPk = "[" + TOKEN + "," + GROUP + ","
                + record("alice", "true").replace("\"groups\": []", "\"groups\": [7]") + "]";
        assertThat(readAll(byPk).memberships()).containsEntry("alice", List.of("ops"));
    }

    @Test
    void badGroupsAndTokensAreRefusedWithTheRecordAndTheProblem() {
        var alice = record("alice", "true");
        assertProblem(
                "[" + alice + "," + TOKEN.replace("\"user\": 1", "\"user\": 2") + "]",
                "record 1: is a token for user pk 2, whom the dump does not hold");
        assertProblem(
                "[" + alice + "," + TOKEN.replace("\"user\": 1", "\"user\": [\"nobody\"]") + "]",
                "record 1: is a token for user nobody, whom the dump does not hold");
        assertProblem("[" + alice + "," + TOKEN + "," + TOKEN + "]", "record 2: duplicate token key (also record 1)");
        assertProblem("[" + alice + "," + TOKEN.replace("9944b0", "9944B0") + "]", "40 lower-case hex");
        assertProblem("[" + alice + "," + TOKEN.replace("9944b0", "9944") + "]", "40 lower-case hex");
        assertProblem("[" + alice + "," + TOKEN.replace("\"9944b0", "1234, \"x\": \"") + "]", "40 lower-case hex");
        assertProblem(
                "[" + alice + "," + TOKEN.replace("\"user\": 1", "\"user\": \"alice\"") + "]",
                "neither a primary key nor a natural key");
        assertProblem("[" + alice + "," + TOKEN.replace("\"user\": 1, ", "") + "]", "record 1: has no user");
        assertProblem(
                "[" + GROUP + "," + GROUP.replace("\"pk\": 7", "\"pk\": 8") + "]",
                "record 1: duplicate group name ops (also record 0)");
        assertProblem("[" + GROUP + "," + GROUP.replace("\"ops\"", "\"dev\"") + "]", "record 1: duplicate group pk 7");
        for (var hidden : new String[] {"\\u0000", "\\n", "\\u202e", "\\u200b"}) {
            assertProblem(
                    "[" + GROUP.replace("\"ops\"", "\"o" + hidden + "ps\"") + "]",
                    "record 0: group names may not contain control or format characters");
            assertProblem(
                    "[" + alice.replace("\"groups\": []", "\"groups\": [[\"o" + hidden + "ps\"]]") + "]",
                    "record 0 (alice): group names may not contain control or format characters");
        }
        assertProblem(
                "[" + alice.replace("\"groups\": []", "\"groups\": [9]") + "]",
                "record 0 (alice): is in group pk 9, which the dump does not hold");
        assertProblem("[" + alice.replace("\"groups\": []", "\"groups\": \"ops\"") + "]", "groups is not a list");
        // Two user records with one pk: a token naming that pk could be either's.
        assertProblem(
                "[" + alice + "," + record("bob", "true") + "," + TOKEN + "]", "user pk 1 is held by more than one");
    }

    private static final String TOKEN = "{\"model\": \"authtoken.token\", \"pk\": "
            + "\"9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b\", \"fields\": {\"user\": 1, "
            + "\"created\": \"2026-11-27T06:10:00Z\"}}";
    private static final String GROUP =
            "{\"model\": \"auth.group\", \"pk\": 7, \"fields\": {\"name\": \"ops\", \"permissions\": []}}";

    private DjangoImport readAll(String json) {
        return dump.readAll(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), n -> {});
    }

    private static String withHash(String record, String hash) {
        return record.replace("pbkdf2_sha256$260000$s$h", hash);
    }

    private void assertProblem(String json, String expected) {
        assertThatThrownBy(() -> readAll(json)).isInstanceOf(InvalidInput.class).hasMessageContaining(expected);
    }

    private List<ImportedUser> read(String json) {
        return read(json, new ArrayList<>());
    }

    private List<ImportedUser> read(String json, List<Integer> progress) {
        return dump.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), progress::add);
    }

    static String record(String username, String active) {
        return "{\"model\": \"auth.user\", \"pk\": 1, \"fields\": {\"password\": \"pbkdf2_sha256$260000$s$h\","
                + " \"last_login\": null, \"is_superuser\": false, \"username\": \"" + username + "\","
                + " \"first_name\": \"\", \"last_name\": \"\", \"email\": \"\", \"is_staff\": false,"
                + " \"is_active\": " + active + ", \"date_joined\": \"2026-11-27T05:57:47.289Z\","
                + " \"groups\": [], \"user_permissions\": []}}";
    }
}
