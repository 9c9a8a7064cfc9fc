package dev.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.session.Session;
import dev.latchkey.testing.DatabaseTest;
import dev.latchkey.testing.TestDatabase;
import dev.latchkey.user.NewUser;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The same cases on SQLite and on PostgreSQL. */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class JdbcSessionStoreTest extends DatabaseTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    JdbcSessionStoreTest(TestDatabase.Kind kind) {
        super(kind);
    }

    JdbcSessionStore store() {
        return new JdbcSessionStore(db.database(), new ObjectMapper());
    }

    long user(String name) {
        return new JdbcUserStore(db.database())
                .insert(NewUser.named(name), "hash", T0)
                .id();
    }

    static Session session(String hashSeed, Long userId, Instant expires) {
        var idHash = String.format("%64s", hashSeed).replace(' ', '0');
        return new Session(
                idHash,
                userId,
                Map.of("k", "v", "n", 3, "nested", Map.of("a", List.of(1, 2))),
                T0,
                T0,
                expires,
                "Firefox",
                "203.0.113.9");
    }

    @Test
    void aSessionRoundTripsWithItsData() {
        var store = store();
        var alice = user("alice");
        var session = session("a1", alice, T0.plusSeconds(3600));
        store.insert(session);
        assertThat(store.findByIdHash(session.idHash())).contains(session);
        assertThat(store.findByIdHash("f".repeat(64))).isEmpty();
    }

    @Test
    void updateAndUpdateLastSeenChangeWhatTheySay() {
        var store = store();
        var session = session("a1", null, T0.plusSeconds(3600));
        store.insert(session);
        store.update(session.withData(Map.of("csrf", "x")));
        store.updateLastSeen(session.idHash(), T0.plusSeconds(60), T0.plusSeconds(7200));
        var found = store.findByIdHash(session.idHash()).orElseThrow();
        assertThat(found.data()).isEqualTo(Map.of("csrf", "x"));
        assertThat(found.lastSeen()).isEqualTo(T0.plusSeconds(60));
        assertThat(found.expires()).isEqualTo(T0.plusSeconds(7200));
    }

    @Test
    void replaceDeletesTheOldAndInsertsTheNewTogether() {
        var store = store();
        var old = session("01", null, T0.plusSeconds(3600));
        store.insert(old);
        var replacement = session("02", user("alice"), T0.plusSeconds(3600));
        store.replace(old.idHash(), replacement);
        assertThat(store.findByIdHash(old.idHash())).isEmpty();
        assertThat(store.findByIdHash(replacement.idHash())).contains(replacement);
    }

    @Test
    void aCorruptedRowIsNoSession() {
        var store = store();
        var session = session("bad", null, T0.plusSeconds(3600));
        store.insert(session);
        db.database().sql().update("UPDATE sessions SET data = ? WHERE id_hash = ?", s -> {
            s.setString(1, "{not json");
            s.setString(2, session.idHash());
        });
        assertThat(store.findByIdHash(session.idHash())).isEmpty();
        db.database().sql().update("UPDATE sessions SET data = ? WHERE id_hash = ?", s -> {
            s.setString(1, "[1, 2, 3]");
            s.setString(2, session.idHash());
        });
        assertThat(store.findByIdHash(session.idHash())).isEmpty();
    }

    @Test
    void deleteByUserKeepsTheNamedSessionAndOthersUsers() {
        var store = store();
        long alice = user("alice");
        long bob = user("bob");
        store.insert(session("a1", alice, T0.plusSeconds(60)));
        store.insert(session("a2", alice, T0.plusSeconds(60)));
        store.insert(session("a3", alice, T0.plusSeconds(60)));
        store.insert(session("b1", bob, T0.plusSeconds(60)));
        var keep = session("a2", alice, T0).idHash();

        var deleted = store.deleteByUser(alice, keep);

        assertThat(deleted).hasSize(2).doesNotContain(keep);
        assertThat(store.findByUser(alice)).extracting(Session::idHash).containsExactly(keep);
        assertThat(store.findByUser(bob)).hasSize(1);
        assertThat(store.deleteByUser(alice, null)).containsExactly(keep);
    }

    @Test
    void deleteExpiredWorksInBoundedBatches() {
        var store = store();
        for (int i = 0; i < 25; i++) {
            store.insert(session("e" + i, null, T0.plusSeconds(i)));
        }
        store.insert(session("live", null, T0.plusSeconds(1000)));
        assertThat(store.deleteExpired(T0.plusSeconds(100), 10)).isEqualTo(10);
        assertThat(store.deleteExpired(T0.plusSeconds(100), 10)).isEqualTo(10);
        assertThat(store.deleteExpired(T0.plusSeconds(100), 10)).isEqualTo(5);
        assertThat(store.deleteExpired(T0.plusSeconds(100), 10)).isZero();
        assertThat(store.findByIdHash(session("live", null, T0).idHash())).isPresent();
    }

    @Test
    void deletingAUserDeletesTheirSessions() {
        var store = store();
        long alice = user("alice");
        store.insert(session("a1", alice, T0.plusSeconds(60)));
        db.database().sql().update("DELETE FROM users WHERE id = ?", s -> s.setLong(1, alice));
        assertThat(store.findByUser(alice)).isEmpty();
    }
}
