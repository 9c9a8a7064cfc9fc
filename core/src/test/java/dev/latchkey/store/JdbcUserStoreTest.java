package dev.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.Conflict;
import dev.latchkey.testing.DatabaseTest;
import dev.latchkey.testing.TestDatabase;
import dev.latchkey.token.ApiTokens;
import dev.latchkey.user.DjangoImport;
import dev.latchkey.user.Group;
import dev.latchkey.user.ImportResult;
import dev.latchkey.user.ImportedUser;
import dev.latchkey.user.NewUser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The same cases on SQLite and on PostgreSQL. */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class JdbcUserStoreTest extends DatabaseTest {
    private static final Instant JOINED = Instant.parse("2026-01-02T03:04:05.678Z");

    JdbcUserStoreTest(TestDatabase.Kind kind) {
        super(kind);
    }

    JdbcUserStore store() {
        return new JdbcUserStore(db.database());
    }

    @Test
    void insertedUsersAreFoundByIdAndUsername() {
        var store = store();
        var alice = store.insert(new NewUser("alice", "alice@Example.COM", true, true), "hash", JOINED);
        assertThat(alice.id()).isPositive();
        assertThat(alice.email()).isEqualTo("alice@example.com");
        assertThat(alice.active()).isTrue();
        assertThat(alice.staff()).isTrue();
        assertThat(alice.superuser()).isTrue();
        assertThat(alice.dateJoined()).isEqualTo(JOINED);
        assertThat(alice.lastLogin()).isNull();
        assertThat(store.findById(alice.id())).contains(alice);
        assertThat(store.findByUsername("alice")).contains(alice);
        assertThat(store.findCredentials("alice").orElseThrow().passwordHash()).isEqualTo("hash");
        assertThat(store.findByUsername("Alice")).isEmpty();
        assertThat(store.findById(alice.id() + 1000)).isEmpty();
    }

    @Test
    void aTakenUsernameIsAConflict() {
        var store = store();
        store.insert(NewUser.named("alice"), "hash", JOINED);
        assertThatThrownBy(() -> store.insert(NewUser.named("alice"), "other", JOINED))
                .isInstanceOfSatisfying(
                        Conflict.class, c -> assertThat(c.code()).isEqualTo("username_taken"));
        assertThat(store.findCredentials("alice").orElseThrow().passwordHash()).isEqualTo("hash");
    }

    @Test
    void updatesChangeOneUserOnly() {
        var store = store();
        var alice = store.insert(NewUser.named("alice"), "hash", JOINED);
        var bob = store.insert(NewUser.named("bob"), "hash", JOINED);
        assertThat(store.updatePassword(alice.id(), "new")).isTrue();
        assertThat(store.updateActive(alice.id(), false)).isTrue();
        store.updateLastLogin(alice.id(), JOINED.plusSeconds(60));
        assertThat(store.updatePassword(999_999, "x")).isFalse();

        var after = store.findById(alice.id()).orElseThrow();
        assertThat(after.active()).isFalse();
        assertThat(after.lastLogin()).isEqualTo(JOINED.plusSeconds(60));
        assertThat(store.findCredentials("alice").orElseThrow().passwordHash()).isEqualTo("new");
        assertThat(store.findById(bob.id())).contains(bob);
    }

    @Test
    void listPagesById() {
        var store = store();
        for (int i = 0; i < 5; i++) {
            store.insert(NewUser.named("user" + i), "hash", JOINED);
        }
        var first = store.findAll(0, 3);
        assertThat(first).extracting(u -> u.username()).containsExactly("user0", "user1", "user2");
        var rest = store.findAll(first.get(2).id(), 3);
        assertThat(rest).extracting(u -> u.username()).containsExactly("user3", "user4");
    }

    @Test
    void upsertAllInsertsThenUpdatesWithoutDuplicating() {
        var store = store();
        store.insert(NewUser.named("carol"), "carol's own", JOINED);
        var batch = new ArrayList<ImportedUser>();
        for (int i = 0; i < 2_500; i++) {
            batch.add(imported("user" + i, "pbkdf2_sha256$260000$salt$hash" + i, true));
        }
        batch.add(imported("carol", "imported hash", false));

        var first = store.upsertAll(batch);
        assertThat(first.inserted()).isEqualTo(2_500);
        assertThat(first.updated()).isEqualTo(1);

        var second = store.upsertAll(batch);
        assertThat(second.inserted()).isZero();
        assertThat(second.updated()).isEqualTo(2_501);
        assertThat(store.findAll(0, 10_000)).hasSize(2_501);
        assertThat(store.findCredentials("user7").orElseThrow().passwordHash())
                .isEqualTo("pbkdf2_sha256$260000$salt$hash7");
        var carol = store.findByUsername("carol").orElseThrow();
        assertThat(carol.active()).isFalse();
        assertThat(carol.lastLogin()).isEqualTo(JOINED.plusSeconds(1));
    }

    @Test
    void aFailingUpsertWritesNothing() {
        var store = store();
        var batch = new ArrayList<ImportedUser>();
        for (int i = 0; i < 1_500; i++) {
            batch.add(imported("user" + i, "hash", true));
        }
        // The schema's length check refuses this hash on both databases, after 1,500 good rows were sent.
        batch.add(new ImportedUser("broken", "", "x".repeat(600), true, false, false, JOINED, null));
        assertThatThrownBy(() -> store.upsertAll(batch)).isInstanceOf(RuntimeException.class);
        assertThat(store.findAll(0, 10)).isEmpty();
    }

    @Test
    void aDjangoImportWritesGroupsMembershipsAndTokensOnceAndAFailingOneWritesNothing() {
        var store = store();
        var groups = new JdbcGroupStore(db.database());
        var tokens = new JdbcApiTokenStore(db.database());
        var key = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b";
        var dump = new DjangoImport(
                List.of(imported("alice", "hash", true), imported("bob", "hash", true)),
                List.of("editors", "Support, tier 2"),
                Map.of("alice", List.of("editors", "Support, tier 2"), "bob", List.of("editors")),
                List.of(new DjangoImport.Token(Secrets.sha256Hex(key), "9944b0", "alice", JOINED)));
        groups.insert("editors", JOINED); // made in latchkey before: kept, not duplicated
        for (int run = 0; run < 2; run++) {
            assertThat(store.importAll(dump, JOINED))
                    .isEqualTo(new ImportResult(run == 0 ? 2 : 0, run == 0 ? 0 : 2, 2, 1));
            var alice = store.findByUsername("alice").orElseThrow();
            assertThat(groups.namesFor(alice.id())).containsExactly("Support, tier 2", "editors");
            assertThat(groups.findAll()).extracting(Group::members).containsExactly(1, 2);
            var token = tokens.findByKeyHash(Secrets.sha256Hex(key)).orElseThrow();
            assertThat(token.userId()).isEqualTo(alice.id());
            assertThat(token.createdBy()).isEqualTo(ApiTokens.Origin.DJANGO);
            assertThat(token.expires()).isNull();
            assertThat(tokens.findByUser(alice.id())).hasSize(1);
        }
        // A membership dropped in Django is dropped here by the next import.
        var fewer = new DjangoImport(dump.users(), dump.groups(), Map.of("alice", List.of()), dump.tokens());
        store.importAll(fewer, JOINED);
        assertThat(groups.namesFor(store.findByUsername("alice").orElseThrow().id()))
                .isEmpty();

        // The last write (the tokens) fails: the users, groups and memberships written before it are rolled back.
        var broken = new DjangoImport(
                List.of(imported("carol", "hash", true)),
                List.of("new group"),
                Map.of("carol", List.of("new group")),
                List.of(new DjangoImport.Token(Secrets.sha256Hex("x"), "x", "nobody", JOINED)));
        assertThatThrownBy(() -> store.importAll(broken, JOINED)).isInstanceOf(RuntimeException.class);
        assertThat(store.findByUsername("carol")).isEmpty();
        assertThat(groups.findByName("new group")).isEmpty();
    }

    private static ImportedUser imported(String username, String hash, boolean active) {
        return new ImportedUser(username, "", hash, active, false, false, JOINED, JOINED.plusSeconds(1));
    }
}
