package dev.latchkey.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.RequestContext;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.error.NotFound;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.password.PasswordHashing;
import dev.latchkey.password.PasswordPolicy;
import dev.latchkey.session.SessionSettings;
import dev.latchkey.session.Sessions;
import dev.latchkey.store.JdbcSessionStore;
import dev.latchkey.store.JdbcUserStore;
import dev.latchkey.testing.MutableClock;
import dev.latchkey.testing.TestDatabase;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UsersTest {
    private final MutableClock clock = MutableClock.at("2026-05-05T10:00:00Z");
    private TestDatabase db;
    private Users users;
    private Sessions sessions;
    private PasswordHashing hashing;
    private JdbcUserStore store;

    @BeforeEach
    void setUp() {
        db = TestDatabase.sqlite();
        var secrets = Secrets.create();
        hashing = PasswordHashing.standard(new Argon2Settings(1024, 2, 1, 32), secrets);
        store = new JdbcUserStore(db.database());
        sessions = new Sessions(new JdbcSessionStore(db.database(), new com.fasterxml.jackson.databind.ObjectMapper()),
                SessionSettings.DEFAULT, secrets, clock);
        users = new Users(store, new dev.latchkey.user.UserCache(store, java.time.Duration.ofSeconds(1)), hashing,
                PasswordPolicy.DEFAULT, List.of(sessions), new dev.latchkey.store.JdbcAuditStore(db.database()), clock);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void createStoresAHashNeverThePassword() {
        var alice = users.create(new NewUser("alice", "a@example.com", true, false), Optional.of("correct horse"));
        assertThat(alice.dateJoined()).isEqualTo(clock.instant());
        var hash = store.findCredentials("alice").orElseThrow().passwordHash();
        assertThat(hash).startsWith("argon2$argon2id$").doesNotContain("correct horse");
        assertThat(hashing.verify("correct horse", hash)).isTrue();
    }

    @Test
    void aUserWithoutAPasswordHasAnUnusableOne() {
        users.create(NewUser.named("social"), Optional.empty());
        assertThat(PasswordHashing.isUsable(store.findCredentials("social").orElseThrow().passwordHash())).isFalse();
    }

    @Test
    void weakPasswordsAreRefusedAndNothingIsCreated() {
        assertThatThrownBy(() -> users.create(NewUser.named("alice"), Optional.of("alice")))
                .isInstanceOf(InvalidInput.class);
        assertThat(users.find("alice")).isEmpty();
    }

    @Test
    void settingAPasswordEndsEverySessionOfTheUser() {
        var alice = users.create(NewUser.named("alice"), Optional.of("correct horse"));
        var session = sessions.login(null, alice.id(), RequestContext.NONE);
        users.setPassword("alice", "battery staple");
        assertThat(sessions.find(session.id())).isEmpty();
        assertThat(hashing.verify("battery staple", store.findCredentials("alice").orElseThrow().passwordHash()))
                .isTrue();
    }

    @Test
    void deactivationEndsSessionsAndActivationRestoresTheUser() {
        var alice = users.create(NewUser.named("alice"), Optional.of("correct horse"));
        var session = sessions.login(null, alice.id(), RequestContext.NONE);
        assertThat(users.deactivate("alice").active()).isFalse();
        assertThat(sessions.find(session.id())).isEmpty();
        assertThat(users.activate("alice").active()).isTrue();
    }

    @Test
    void passwordChangesAndActivationChangesAreAudited() {
        var alice = users.create(NewUser.named("alice"), Optional.of("correct horse"));
        users.setPassword("alice", "battery staple");
        users.deactivate("alice");
        users.activate("alice");
        var audit = new dev.latchkey.store.JdbcAuditStore(db.database());
        for (var kind : new String[] {"password_changed", "user_deactivated", "user_activated"}) {
            assertThat(audit.recentFor(alice.id(), kind, 5)).as(kind).singleElement()
                    .satisfies(e -> assertThat(e.username()).isEqualTo("alice"));
        }
    }

    @Test
    void unknownUsersAreNotFound() {
        assertThatThrownBy(() -> users.setPassword("ghost", "correct horse")).isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> users.deactivate("bad name!")).isInstanceOf(NotFound.class);
    }

    @Test
    void aSuperuserMustBeStaff() {
        assertThatThrownBy(() -> new NewUser("root", "", false, true)).isInstanceOf(InvalidInput.class);
    }
}
