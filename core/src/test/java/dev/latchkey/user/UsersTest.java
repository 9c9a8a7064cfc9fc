package dev.latchkey.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.error.NotFound;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.password.PasswordHashing;
import dev.latchkey.password.PasswordPolicy;
import dev.latchkey.request.RequestContext;
import dev.latchkey.session.SessionSettings;
import dev.latchkey.session.Sessions;
import dev.latchkey.store.JdbcSessionStore;
import dev.latchkey.store.JdbcUserStore;
import dev.latchkey.testing.ManualScheduler;
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
        sessions = new Sessions(
                new JdbcSessionStore(db.database(), new com.fasterxml.jackson.databind.ObjectMapper()),
                SessionSettings.DEFAULT,
                secrets,
                clock);
        users = new Users(
                store,
                new dev.latchkey.user.UserCache(store, java.time.Duration.ofSeconds(1)),
                hashing,
                PasswordPolicy.DEFAULT,
                List.of(sessions),
                new dev.latchkey.store.JdbcAuditStore(db.database()),
                clock);
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
        assertThat(PasswordHashing.isUsable(
                        store.findCredentials("social").orElseThrow().passwordHash()))
                .isFalse();
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
        assertThat(hashing.verify(
                        "battery staple",
                        store.findCredentials("alice").orElseThrow().passwordHash()))
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
            assertThat(audit.findRecentByUser(alice.id(), kind, 5))
                    .as(kind)
                    .singleElement()
                    .satisfies(e -> assertThat(e.username()).isEqualTo("alice"));
        }
    }

    @Test
    void anImportThatChangesAPasswordHashOrDeactivatesEndsThoseUsersSessionsAndTokenFamilies() throws Exception {
        var latchkey = engine();
        var jwt = latchkey.tokenFamilies();
        var first = List.of(
                imported("alice", hashing.hash("old password"), true),
                imported("bob", hashing.hash("bob's password"), true),
                imported("carol", hashing.hash("carol's password"), true));
        assertThat(latchkey.users().importAll(first)).isEqualTo(new ImportResult(3, 0));
        var signedIn = new java.util.HashMap<String, dev.latchkey.session.IssuedSession>();
        var pairs = new java.util.HashMap<String, dev.latchkey.jwt.TokenPair>();
        for (var name : List.of("alice", "bob", "carol")) {
            var id = latchkey.users().find(name).orElseThrow().id();
            var session = latchkey.sessions().login(null, id, RequestContext.NONE);
            signedIn.put(name, session);
            pairs.put(name, jwt.obtain(id, null));
        }

        // alice's hash changes (set in Django), carol is deactivated there, bob is left as he was.
        var second = List.of(
                imported("alice", hashing.hash("new password"), true),
                first.get(1),
                imported("carol", first.get(2).passwordHash(), false));
        assertThat(latchkey.users().importAll(second)).isEqualTo(new ImportResult(0, 3));

        for (var name : List.of("alice", "carol")) {
            assertThat(latchkey.sessions().find(signedIn.get(name).id()))
                    .as(name)
                    .isEmpty();
            assertThatThrownBy(() -> jwt.verify(pairs.get(name).access()))
                    .as(name)
                    .isInstanceOf(dev.latchkey.jwt.InvalidAccessToken.class);
            assertThatThrownBy(() -> jwt.refresh(pairs.get(name).refresh(), RequestContext.NONE))
                    .as(name)
                    .isInstanceOf(dev.latchkey.jwt.InvalidRefreshToken.class);
        }
        assertThat(latchkey.sessions().find(signedIn.get("bob").id())).isPresent();
        assertThat(jwt.verify(pairs.get("bob").access()).userId())
                .isEqualTo(latchkey.users().find("bob").orElseThrow().id());
        var audit = latchkey.audit();
        assertThat(audit.findRecentByUser(
                        latchkey.users().find("alice").orElseThrow().id(), "password_changed", 5))
                .hasSize(1);
        assertThat(audit.findRecentByUser(
                        latchkey.users().find("carol").orElseThrow().id(), "user_deactivated", 5))
                .hasSize(1);
    }

    @Test
    void anImportThatChangesNothingAboutAUserEndsNothing() throws Exception {
        var latchkey = engine();
        var jwt = latchkey.tokenFamilies();
        var dump = List.of(
                imported("alice", hashing.hash("a password"), true),
                imported("dave", hashing.hash("dave's password"), false));
        latchkey.users().importAll(dump);
        var alice = latchkey.users().find("alice").orElseThrow().id();
        var session = latchkey.sessions().login(null, alice, RequestContext.NONE);
        var pair = jwt.obtain(alice, null);

        latchkey.users().importAll(dump);
        // Reactivating, or changing staff and email, is no reason to sign anyone out.
        latchkey.users()
                .importAll(List.of(
                        new ImportedUser(
                                "alice",
                                "alice@example.com",
                                dump.get(0).passwordHash(),
                                true,
                                true,
                                false,
                                dump.get(0).dateJoined(),
                                null),
                        imported("dave", dump.get(1).passwordHash(), true)));

        assertThat(latchkey.sessions().find(session.id())).isPresent();
        assertThat(jwt.verify(pair.access()).userId()).isEqualTo(alice);
        assertThat(jwt.refresh(pair.refresh(), RequestContext.NONE).family()).isEqualTo(pair.family());
        assertThat(latchkey.users().find("alice").orElseThrow().staff()).isTrue();
        assertThat(latchkey.audit().findRecentByUser(alice, "password_changed", 5))
                .isEmpty();
    }

    private ImportedUser imported(String username, String hash, boolean active) {
        return new ImportedUser(username, "", hash, active, false, false, clock.instant(), null);
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

    /** The whole engine on this test's database, with JWTs (an instance secret) and a scheduler the test drives. */
    private dev.latchkey.Latchkey engine() {
        return dev.latchkey.Latchkey.builder(db.database())
                .clock(clock)
                .scheduler(new ManualScheduler())
                .instanceSecret(new byte[32])
                .argon2(new Argon2Settings(1024, 2, 1, 32))
                .build();
    }
}
