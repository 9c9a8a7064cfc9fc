package dev.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.audit.AuditEntry;
import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditQuery;
import dev.latchkey.testing.DatabaseTest;
import dev.latchkey.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The same cases on SQLite and on PostgreSQL. */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class JdbcAuditStoreTest extends DatabaseTest {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00.250Z");
    private JdbcAuditStore store;

    JdbcAuditStoreTest(TestDatabase.Kind kind) {
        super(kind);
    }

    @BeforeEach
    void setUp() {
        store = new JdbcAuditStore(db.database());
    }

    private static AuditEvent event(Instant at, String kind, Long userId, String reason) {
        return new AuditEvent(
                at,
                kind,
                userId,
                userId == null ? "nobody" : "user" + userId,
                "failure",
                reason,
                "203.0.113.7",
                "Firefox");
    }

    @Test
    void anEventRoundTripsWithEveryFieldAndWithoutAUser() {
        var event =
                new AuditEvent(T0, "sign_in", 7L, "alice", "success", "via_github", "2001:db8::1", "Mozilla/5.0 (X11)");
        store.append(event);
        store.append(event(T0.plusSeconds(1), "sign_in", null, "unknown_user"));
        assertThat(store.findRecentByUser(7, "sign_in", 10)).containsExactly(event);
        var all = store.search(new AuditQuery(null, null, null, null, null, 10));
        assertThat(all)
                .extracting(AuditEntry::event)
                .extracting(AuditEvent::userId)
                .containsExactly(null, 7L);
    }

    @Test
    void findRecentByUserAnswersThatUsersEventsOfThatKindNewestFirstUpToTheLimit() {
        for (int i = 0; i < 5; i++) {
            store.append(event(T0.plusSeconds(i), "sign_in", 1L, "r" + i));
        }
        store.append(event(T0.plusSeconds(10), "password_changed", 1L, ""));
        store.append(event(T0.plusSeconds(10), "sign_in", 2L, "other"));
        assertThat(store.findRecentByUser(1, "sign_in", 3))
                .extracting(AuditEvent::reason)
                .containsExactly("r4", "r3", "r2");
        assertThat(store.findRecentByUser(1, "password_changed", 3)).hasSize(1);
        assertThat(store.findRecentByUser(3, "sign_in", 3)).isEmpty();
    }

    @Test
    void searchFiltersByEachFieldAndPagesByIdNewestFirst() {
        for (int i = 0; i < 6; i++) {
            store.append(event(T0.plusSeconds(i), i % 2 == 0 ? "sign_in" : "token_created", (long) (i % 3), "r" + i));
        }
        var signIns = store.search(new AuditQuery(null, "sign_in", null, null, null, 10));
        assertThat(signIns).extracting(e -> e.event().reason()).containsExactly("r4", "r2", "r0");
        assertThat(store.search(new AuditQuery(1L, null, null, null, null, 10)))
                .extracting(e -> e.event().reason())
                .containsExactly("r4", "r1");
        assertThat(store.search(new AuditQuery(null, null, T0.plusSeconds(2), T0.plusSeconds(4), null, 10)))
                .as("since inclusive, until exclusive")
                .extracting(e -> e.event().reason())
                .containsExactly("r3", "r2");

        var pages = new ArrayList<String>();
        Long before = null;
        for (int page = 0; page < 4; page++) {
            var entries = store.search(new AuditQuery(null, null, null, null, before, 4));
            entries.forEach(e -> pages.add(e.event().reason()));
            if (entries.isEmpty()) {
                break;
            }
            before = entries.get(entries.size() - 1).id();
        }
        assertThat(pages).containsExactly("r5", "r4", "r3", "r2", "r1", "r0");
    }

    @Test
    void deleteExpiredTakesEventsOlderThanTheRetentionInBatchesAndKeepsTheRest() {
        var now = T0.plus(Duration.ofDays(100));
        for (int i = 0; i < 1_001; i++) {
            store.append(event(T0.plusMillis(i), "sign_in", 1L, "old"));
        }
        store.append(event(now.minus(Duration.ofDays(90)), "sign_in", 1L, "at the edge"));
        store.append(event(now.minusSeconds(1), "sign_in", 1L, "recent"));
        assertThat(store.deleteExpired(now, Duration.ofDays(90)))
                .as("more than one batch")
                .isEqualTo(1_001);
        assertThat(store.findRecentByUser(1, "sign_in", 10))
                .extracting(AuditEvent::reason)
                .containsExactly("recent", "at the edge");
        assertThat(store.deleteExpired(now, Duration.ofDays(90))).isZero();
    }
}
