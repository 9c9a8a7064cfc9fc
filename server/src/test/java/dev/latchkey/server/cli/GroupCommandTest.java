package dev.latchkey.server.cli;

import static dev.latchkey.server.cli.UserCommandTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.config.SettingsLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommandTest {
    @TempDir
    Path data;

    @Test
    void groupsAreMadeFilledListedEmptiedAndDeleted() {
        var cli = new Cli(data);
        assertThat(cli.run("group", "create", "editors").out()).contains("created group editors");
        assertThat(cli.run("group", "create", "Ops, on call").status()).isZero();
        var alice = cli.runWithStdin(
                "correct horse battery staple\n",
                "user",
                "create",
                "alice",
                "--group",
                "editors",
                "--group",
                "Ops, on call",
                "--password-stdin");
        assertThat(alice.status()).as(alice.err()).isZero();
        assertThat(cli.runWithStdin("correct horse battery staple\n", "user", "create", "bob", "--password-stdin")
                        .status())
                .isZero();
        assertThat(groupsOf("alice")).containsExactly("Ops, on call", "editors");

        assertThat(cli.run("group", "add", "editors", "bob").status()).isZero();
        assertThat(cli.run("group", "members", "editors").out().lines()).containsExactly("alice", "bob");
        assertThat(cli.run("group", "list").out())
                .contains("MEMBERS")
                .containsPattern("\\d+\\s+2\\s+editors")
                .containsPattern("\\d+\\s+1\\s+Ops, on call");
        assertThat(cli.run("group", "remove", "editors", "alice").status()).isZero();
        assertThat(groupsOf("alice")).containsExactly("Ops, on call");
        assertThat(cli.run("group", "delete", "Ops, on call").status()).isZero();
        assertThat(groupsOf("alice")).isEmpty();
    }

    @Test
    void unknownGroupsAndUsersAndBadNamesAreRefusedBeforeAnythingChanges() {
        var cli = new Cli(data);
        assertRefused(
                cli.runWithStdin(
                        "correct horse battery staple\n",
                        "user",
                        "create",
                        "alice",
                        "--group",
                        "nobody-has-this",
                        "--password-stdin"),
                "no group is named nobody-has-this");
        // Refused before the user was made.
        assertThat(cli.run("user", "list").out()).doesNotContain("alice");
        assertRefused(cli.run("group", "create", "line\nbreak"), "control");
        assertThat(cli.run("group", "create", "editors").status()).isZero();
        assertRefused(cli.run("group", "create", "editors"), "exists already");
        assertRefused(cli.run("group", "add", "editors", "nobody"), "no user is named nobody");
        assertRefused(cli.run("group", "add", "nothing", "nobody"), "no user is named nobody");
        assertRefused(cli.run("group", "delete", "nothing"), "no group is named nothing");
        assertThat(cli.run("group", "add", "editors").status()).isEqualTo(2);
    }

    private List<String> groupsOf(String username) {
        try (var latchkey = Engine.open(SettingsLoader.load(data, Map.of(), Map.of()), Map.of())) {
            return latchkey.groups()
                    .of(latchkey.users().find(username).orElseThrow().id());
        }
    }
}
