package dev.latchkey.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.request.RequestContext;
import dev.latchkey.store.JdbcSessionStore;
import dev.latchkey.store.JdbcUserStore;
import dev.latchkey.testing.DatabaseTest;
import dev.latchkey.testing.MutableClock;
import dev.latchkey.testing.TestDatabase;
import dev.latchkey.user.NewUser;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Session rotation, expiry and purge with a settable clock, on SQLite and on PostgreSQL. */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class SessionsTest extends DatabaseTest {
    private static final RequestContext BROWSER = new RequestContext("198.51.100.7", "Mozilla/5.0 test");

    final MutableClock clock = MutableClock.at("2026-03-01T12:00:00Z");
    final AtomicInteger touches = new AtomicInteger();

    SessionsTest(TestDatabase.Kind kind) {
        super(kind);
    }

    Sessions sessions() {
        return sessions(SessionSettings.DEFAULT);
    }

    Sessions sessions(SessionSettings settings) {
        var real = new JdbcSessionStore(db.database(), new ObjectMapper());
        return new Sessions(new CountingTouches(real, touches), settings, Secrets.create(), clock);
    }

    long user(String name) {
        return new JdbcUserStore(db.database())
                .insert(NewUser.named(name), "hash", Instant.EPOCH)
                .id();
    }

    @Test
    void idsAre256RandomBitsAndOnlyTheirHashIsStored() {
        var issued = sessions().start(BROWSER, Map.of());
        assertThat(issued.id()).matches("[A-Za-z0-9_-]{43}");
        assertThat(issued.session().idHash()).isEqualTo(Secrets.sha256Hex(issued.id()));
        var stored = db.database().sql().list("SELECT id_hash FROM sessions", s -> {}, r -> r.getString(1));
        assertThat(stored).containsExactly(Secrets.sha256Hex(issued.id())).doesNotContain(issued.id());
        assertThat(issued.toString()).doesNotContain(issued.id());
    }

    @Test
    void loginRotatesTheIdAndKeepsTheAnonymousData() {
        var sessions = sessions();
        long alice = user("alice");
        var anonymous = sessions.start(BROWSER, Map.of("cart", List.of("book")));

        var signedIn = sessions.login(anonymous.id(), alice, BROWSER);

        assertThat(signedIn.id()).isNotEqualTo(anonymous.id());
        assertThat(sessions.find(anonymous.id()))
                .as("the pre-login id is worthless")
                .isEmpty();
        var session = sessions.find(signedIn.id()).orElseThrow();
        assertThat(session.userId()).isEqualTo(alice);
        assertThat(session.data()).isEqualTo(Map.of("cart", List.of("book")));
        assertThat(session.userAgent()).isEqualTo("Mozilla/5.0 test");
        assertThat(session.clientIp()).isEqualTo("198.51.100.7");
    }

    @Test
    void anotherUsersSessionIsFlushedAtLogin() {
        var sessions = sessions();
        long alice = user("alice");
        long bob = user("bob");
        var alices = sessions.login(null, alice, BROWSER);
        sessions.save(sessions.find(alices.id()).orElseThrow(), Map.of("secret", "alice's"));

        var bobs = sessions.login(alices.id(), bob, BROWSER);

        assertThat(sessions.find(bobs.id()).orElseThrow().data()).isEmpty();
        assertThat(sessions.find(alices.id())).isEmpty();
    }

    @Test
    void aPlantedIdIsNotAdoptedAtLogin() {
        var sessions = sessions();
        long alice = user("alice");
        var planted = "A".repeat(43);
        var signedIn = sessions.login(planted, alice, BROWSER);
        assertThat(signedIn.id()).isNotEqualTo(planted);
        assertThat(sessions.find(planted)).isEmpty();
    }

    @Test
    void logoutEndsTheSessionOnTheServer() {
        var sessions = sessions();
        var issued = sessions.login(null, user("alice"), BROWSER);
        assertThat(sessions.logout(issued.id())).isTrue();
        assertThat(sessions.find(issued.id())).isEmpty();
        assertThat(sessions.logout(issued.id())).isFalse();
    }

    @Test
    void anIdleSessionExpires() {
        var sessions = sessions();
        var issued = sessions.login(null, user("alice"), BROWSER);
        clock.advance(Duration.ofDays(14).minusSeconds(1));
        assertThat(sessions.find(issued.id())).isPresent();
        clock.advance(Duration.ofDays(14).minusSeconds(1));
        assertThat(sessions.find(issued.id()))
                .as("used 14 days ago, less a second")
                .isPresent();
        clock.advance(Duration.ofDays(14));
        assertThat(sessions.find(issued.id())).isEmpty();
    }

    @Test
    void aBusySessionStillEndsAtTheAbsoluteTimeout() {
        var sessions = sessions();
        var issued = sessions.login(null, user("alice"), BROWSER);
        for (int day = 1; day < 30; day++) {
            clock.advance(Duration.ofDays(1));
            assertThat(sessions.find(issued.id())).as("day " + day).isPresent();
        }
        clock.advance(Duration.ofDays(1));
        assertThat(sessions.find(issued.id())).isEmpty();
    }

    @Test
    void lastSeenIsWrittenAtMostOncePerMinute() {
        var sessions = sessions(new SessionSettings(
                Duration.ofDays(14), Duration.ofDays(30), false, Duration.ofMinutes(1), Duration.ZERO));
        var issued = sessions.login(null, user("alice"), BROWSER);
        touches.set(0);
        for (int i = 0; i < 100; i++) {
            sessions.find(issued.id());
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(touches.get()).isEqualTo(0);
        clock.advance(Duration.ofSeconds(11));
        sessions.find(issued.id());
        sessions.find(issued.id());
        assertThat(touches.get()).isEqualTo(1);
        var stored = new JdbcSessionStore(db.database(), new ObjectMapper())
                .findByIdHash(issued.session().idHash())
                .orElseThrow();
        assertThat(stored.lastSeen()).isEqualTo(clock.instant());
    }

    @Test
    void malformedIdsAreAnonymousNeverErrors() {
        var sessions = sessions();
        for (var id : new String[] {
            null,
            "",
            "short",
            "A".repeat(42),
            "A".repeat(44),
            "%".repeat(43),
            "A".repeat(10_000),
            "' OR 1=1 --" + "A".repeat(32)
        }) {
            assertThat(sessions.find(id)).isEmpty();
            assertThat(sessions.logout(id)).isFalse();
        }
    }

    @Test
    void purgeDeletesOnlyExpiredSessionsInBatches() {
        var sessions = sessions();
        long alice = user("alice");
        for (int i = 0; i < 2_345; i++) {
            sessions.start(BROWSER, Map.of());
        }
        clock.advance(Duration.ofDays(10));
        var live = sessions.login(null, alice, BROWSER);
        clock.advance(Duration.ofDays(5));

        assertThat(sessions.purgeExpired()).isEqualTo(2_345);
        assertThat(sessions.find(live.id())).isPresent();
        assertThat(sessions.purgeExpired()).isZero();
    }

    @Test
    void endingAllOfAUsersSessionsCanSpareTheCurrentOne() {
        var sessions = sessions();
        long alice = user("alice");
        var phone = sessions.login(null, alice, BROWSER);
        var laptop = sessions.login(null, alice, new RequestContext("192.0.2.1", "Laptop"));
        var tablet = sessions.login(null, alice, BROWSER);
        assertThat(sessions.forUser(alice)).hasSize(3);

        assertThat(sessions.endAllFor(alice, laptop.session().idHash())).isEqualTo(2);
        assertThat(sessions.find(phone.id())).isEmpty();
        assertThat(sessions.find(tablet.id())).isEmpty();
        assertThat(sessions.find(laptop.id())).isPresent();

        sessions.revokeAll(alice);
        assertThat(sessions.find(laptop.id())).isEmpty();
    }

    /** Counts the last-seen writes that reach the real store. */
    private record CountingTouches(SessionStore real, AtomicInteger touches) implements SessionStore {
        @Override
        public java.util.Optional<Session> findByIdHash(String idHash) {
            return real.findByIdHash(idHash);
        }

        @Override
        public void insert(Session session) {
            real.insert(session);
        }

        @Override
        public void update(Session session) {
            real.update(session);
        }

        @Override
        public void updateLastSeen(String idHash, Instant lastSeen, Instant expires) {
            touches.incrementAndGet();
            real.updateLastSeen(idHash, lastSeen, expires);
        }

        @Override
        public void replace(String oldIdHash, Session replacement) {
            real.replace(oldIdHash, replacement);
        }

        @Override
        public boolean delete(String idHash) {
            return real.delete(idHash);
        }

        @Override
        public List<String> deleteByUser(long userId, String keepIdHash) {
            return real.deleteByUser(userId, keepIdHash);
        }

        @Override
        public List<Session> findByUser(long userId) {
            return real.findByUser(userId);
        }

        @Override
        public int deleteExpired(Instant now, int batch) {
            return real.deleteExpired(now, batch);
        }

        @Override
        public long countSignedIn(Instant now) {
            return real.countSignedIn(now);
        }
    }
}
