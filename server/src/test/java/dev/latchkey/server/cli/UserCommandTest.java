package dev.latchkey.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.Credentials;
import dev.latchkey.request.RequestContext;
import dev.latchkey.server.config.SettingsLoader;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserCommandTest {
    @TempDir
    Path data;

    @Test
    void createThenListShowsTheUser() {
        var cli = new Cli(data);
        var created = cli.runWithStdin(
                "correct horse battery staple\n",
                "user",
                "create",
                "alice",
                "--email",
                "alice@example.com",
                "--superuser",
                "--password-stdin");
        assertThat(created.status()).as(created.err()).isZero();
        assertThat(created.out()).contains("created user alice");

        var list = cli.run("user", "list");
        assertThat(list.status()).isZero();
        assertThat(list.out())
                .contains("alice")
                .contains("alice@example.com")
                .contains("never")
                .doesNotContain("argon2");
        assertThat(canSignIn("alice", "correct horse battery staple")).isTrue();
    }

    @Test
    void theSecondCreateOfANameIsRefusedWithExitStatusOne() {
        var cli = new Cli(data);
        cli.runWithStdin("correct horse battery staple", "user", "create", "alice", "--password-stdin");
        var again = cli.runWithStdin("another good password", "user", "create", "alice", "--password-stdin");
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.err().strip()).isEqualTo("latchkey: a user named alice exists already");
    }

    @Test
    void badInputIsRefusedWithOneLineAndNothingIsCreated() {
        var cli = new Cli(data);
        assertRefused(cli.runWithStdin("short", "user", "create", "bob", "--password-stdin"), "at least 8");
        assertRefused(cli.runWithStdin("", "user", "create", "bob", "--password-stdin"), "no password");
        assertRefused(
                cli.runWithStdin("x".repeat(5000), "user", "create", "bob", "--password-stdin"),
                "longer than 4096 bytes");
        assertRefused(
                cli.runWithStdin(
                        new byte[] {(byte) 0xff, (byte) 0xfe, 'a', 'b', 'c', 'd', 'e', 'f', 'g'},
                        "user",
                        "create",
                        "bob",
                        "--password-stdin"),
                "not valid UTF-8");
        assertRefused(
                cli.runWithStdin("good password here", "user", "create", "bad name!", "--password-stdin"),
                "may contain only");
        assertRefused(
                cli.runWithStdin("good password here", "user", "create", "x".repeat(151), "--password-stdin"),
                "at most 150");
        assertRefused(cli.run("user", "create", "bob"), "use --password-stdin".substring(4));
        assertRefused(
                cli.runWithStdin("good password here", "user", "create", "bob", "--email", "nope", "--password-stdin"),
                "email");
        assertThat(cli.run("user", "list").out()).doesNotContain("bob");
    }

    @Test
    void usageErrorsExitWithTwo() {
        var cli = new Cli(data);
        assertThat(cli.run("user", "frobnicate").status()).isEqualTo(2);
        assertThat(cli.run("user", "create").status()).isEqualTo(2);
        assertThat(cli.run("user", "create", "alice", "--password", "inline").status())
                .isEqualTo(2);
    }

    @Test
    void setPasswordDeactivateAndActivate() {
        var cli = new Cli(data);
        cli.runWithStdin("correct horse battery staple", "user", "create", "alice", "--password-stdin");

        var set = cli.runWithStdin("a brand new password\n", "user", "set-password", "alice", "--password-stdin");
        assertThat(set.status()).as(set.err()).isZero();
        assertThat(set.out())
                .as("it says what it ended")
                .contains("ended 0 sessions, revoked 0 API tokens")
                .contains("token create");
        assertThat(canSignIn("alice", "a brand new password")).isTrue();
        assertThat(canSignIn("alice", "correct horse battery staple")).isFalse();

        assertThat(cli.run("user", "deactivate", "alice").status()).isZero();
        assertThat(canSignIn("alice", "a brand new password")).isFalse();
        assertThat(cli.run("user", "activate", "alice").status()).isZero();
        assertThat(canSignIn("alice", "a brand new password")).isTrue();

        assertRefused(cli.run("user", "deactivate", "ghost"), "no user is named ghost");
        assertRefused(
                cli.runWithStdin("whatever password", "user", "set-password", "ghost", "--password-stdin"),
                "no user is named ghost");
    }

    @Test
    void aBadSettingStopsTheCommandNamingIt() {
        var cli = new Cli(data).env("LATCHKEY_SESSION_IDLE_TIMEOUT", "soon");
        var result = cli.run("user", "list");
        assertThat(result.status()).isEqualTo(1);
        assertThat(result.err())
                .contains("session.idle_timeout")
                .contains("LATCHKEY_SESSION_IDLE_TIMEOUT")
                .contains("14d");
    }

    @Test
    void mfaResetRemovesEveryFactorAndIsAudited() {
        var cli = new Cli(data);
        cli.runWithStdin("correct horse battery staple\n", "user", "create", "alice", "--password-stdin");
        try (var latchkey = Engine.open(SettingsLoader.load(data, Map.of(), Map.of()), Map.of())) {
            var alice = latchkey.users().find("alice").orElseThrow();
            var secret = latchkey.totp().begin(alice).secret();
            var key = dev.latchkey.server.web.TestCodes.base32(secret);
            latchkey.totp()
                    .confirm(
                            alice,
                            dev.latchkey.mfa.Totp.text(key, dev.latchkey.mfa.Totp.step(java.time.Instant.now()), 6));
            latchkey.recoveryCodes().regenerate(alice.id());
            assertThat(latchkey.twoStep().methods(alice.id())).containsExactly("totp", "recovery");
        }
        var reset = cli.run("user", "mfa", "reset", "alice");
        assertThat(reset.status()).as(reset.err()).isZero();
        assertThat(reset.out()).contains("removed the second factors of alice");
        try (var latchkey = Engine.open(SettingsLoader.load(data, Map.of(), Map.of()), Map.of())) {
            var alice = latchkey.users().find("alice").orElseThrow();
            assertThat(latchkey.twoStep().methods(alice.id())).isEmpty();
            assertThat(latchkey.audit().findRecentByUser(alice.id(), "mfa_disabled", 5))
                    .hasSize(1);
        }
        assertRefused(cli.run("user", "mfa", "reset", "nobody"), "no user nobody");
    }

    private boolean canSignIn(String username, String password) {
        try (var latchkey = Engine.open(SettingsLoader.load(data, Map.of(), Map.of()), Map.of())) {
            latchkey.authenticator().authenticate(RequestContext.NONE, new Credentials.Password(username, password));
            return true;
        } catch (dev.latchkey.auth.AuthenticationDenied e) {
            return false;
        }
    }

    static void assertRefused(Cli.Result result, String message) {
        assertThat(result.status()).as(result.err()).isEqualTo(1);
        assertThat(result.err()).startsWith("latchkey: ").contains(message);
        assertThat(result.err().strip().lines()).hasSize(1);
        assertThat(result.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
