package dev.latchkey.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.Latchkey;
import dev.latchkey.error.Conflict;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.error.NotFound;
import dev.latchkey.session.SessionSettings;
import dev.latchkey.testing.DatabaseTest;
import dev.latchkey.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Groups and memberships, the same cases on SQLite and PostgreSQL. */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class GroupsTest extends DatabaseTest {
    GroupsTest(TestDatabase.Kind kind) {
        super(kind);
    }

    /** A long cache, so that a test sees whether a change made here forgets it. */
    private Latchkey latchkey() {
        var settings = SessionSettings.DEFAULT;
        return Latchkey.builder(db.database())
                .sessions(new SessionSettings(
                        settings.idleTimeout(),
                        settings.absoluteTimeout(),
                        false,
                        settings.touchInterval(),
                        Duration.ofHours(1)))
                .build();
    }

    private static User user(Latchkey latchkey, String name) {
        return latchkey.users().create(new NewUser(name, "", false, false), Optional.empty());
    }

    @Test
    void membershipsAreSetAddedAndRemovedAndSeenAtOnceThroughTheCache() {
        var latchkey = latchkey();
        var groups = latchkey.groups();
        var alice = user(latchkey, "alice");
        groups.create("editors");
        groups.create("Ops, on call");
        groups.create("관리자");
        assertThat(groups.of(alice.id())).isEmpty();

        assertThat(groups.add(alice, List.of("editors", "관리자"))).containsExactly("editors", "관리자");
        assertThat(groups.of(alice.id())).containsExactly("editors", "관리자");
        assertThat(groups.add(alice, List.of("Ops, on call"))).containsExactly("Ops, on call", "editors", "관리자");
        assertThat(groups.remove(alice, List.of("editors"))).containsExactly("Ops, on call", "관리자");
        assertThat(groups.of(alice.id())).containsExactly("Ops, on call", "관리자");
        assertThat(groups.list())
                .extracting(Group::name, Group::members)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("Ops, on call", 1),
                        org.assertj.core.groups.Tuple.tuple("editors", 0),
                        org.assertj.core.groups.Tuple.tuple("관리자", 1));
        assertThat(groups.members("관리자")).extracting(User::username).containsExactly("alice");

        groups.delete("관리자");
        assertThat(groups.of(alice.id())).containsExactly("Ops, on call");
        assertThat(latchkey.audit().search(new dev.latchkey.audit.AuditQuery(alice.id(), null, null, null, null, 50)))
                .extracting(e -> e.event().kind())
                .contains("groups_changed");
    }

    @Test
    void anUnknownGroupChangesNothingAndATakenNameIsAConflict() {
        var latchkey = latchkey();
        var groups = latchkey.groups();
        var alice = user(latchkey, "alice");
        groups.create("editors");
        groups.set(alice, List.of("editors"));
        assertThatThrownBy(() -> groups.set(alice, List.of("nobody-has-this")))
                .isInstanceOf(NotFound.class)
                .hasMessageContaining("no group is named nobody-has-this");
        assertThat(groups.of(alice.id())).containsExactly("editors");
        assertThatThrownBy(() -> groups.create("editors"))
                .isInstanceOf(Conflict.class)
                .extracting(e -> ((Conflict) e).code())
                .isEqualTo("group_exists");
    }

    @Test
    void groupNamesRefuseControlAndFormatCharactersButKeepCommasSpacesAndEveryScript() {
        for (var bad : List.of(
                "",
                "a\nb",
                "a\u0000b",
                "tab\there",
                "rtl\u202Eevil",
                "zero\u200Bwidth",
                " leading",
                "trailing ",
                "x".repeat(151))) {
            assertThatThrownBy(() -> GroupNames.normalize(bad))
                    .as(bad)
                    .isInstanceOf(InvalidInput.class)
                    .extracting(e -> ((InvalidInput) e).code())
                    .isEqualTo("invalid_group");
        }
        assertThat(GroupNames.normalize("Ops, on call")).isEqualTo("Ops, on call");
        assertThat(GroupNames.normalize("관리자")).isEqualTo("관리자");
        assertThat(GroupNames.normalize("x".repeat(150))).hasSize(150);
        // NFC: a decomposed é and a composed one are the same group.
        assertThat(GroupNames.normalize("cafe\u0301")).isEqualTo("caf\u00e9");
    }

    @Test
    void deletingAUserTakesTheirMembershipsAlong() {
        var latchkey = latchkey();
        var alice = user(latchkey, "alice");
        latchkey.groups().create("editors");
        latchkey.groups().set(alice, List.of("editors"));
        db.database().sql().update("DELETE FROM users WHERE id = ?", s -> s.setLong(1, alice.id()));
        assertThat(latchkey.groups().list()).extracting(Group::members).containsExactly(0);
    }
}
