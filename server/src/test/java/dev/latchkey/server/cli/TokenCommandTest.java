package dev.latchkey.server.cli;

import static dev.latchkey.server.cli.UserCommandTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.config.SettingsLoader;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCommandTest {
    @TempDir
    Path data;

    @Test
    void printsANewTokenOnceAndItNamesTheUser() {
        var cli = new Cli(data);
        cli.runWithStdin("correct horse battery staple", "user", "create", "alice", "--password-stdin");
        var result = cli.run("token", "create", "alice", "--name", "deploy", "--expires", "30d");
        assertThat(result.status()).as(result.err()).isZero();
        var key = result.out().strip();
        assertThat(key).matches("lk_[A-Za-z0-9_-]{43}");
        assertThat(result.err()).contains("deploy").contains("expires").contains("only this once");
        try (var latchkey = Engine.open(SettingsLoader.load(data, Map.of(), Map.of()), Map.of())) {
            var token = latchkey.apiTokens().find(key).orElseThrow();
            assertThat(latchkey.users().findById(token.userId()).orElseThrow().username())
                    .isEqualTo("alice");
        }
    }

    @Test
    void refusesUnknownUsersAndBadLifetimes() {
        var cli = new Cli(data);
        assertRefused(cli.run("token", "create", "ghost"), "no user is named ghost");
        cli.runWithStdin("correct horse battery staple", "user", "create", "alice", "--password-stdin");
        assertRefused(cli.run("token", "create", "alice", "--expires", "whenever"), "--expires");
        assertRefused(cli.run("token", "create", "alice", "--name", "x".repeat(101)), "at most 100");
    }
}
