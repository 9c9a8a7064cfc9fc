package dev.latchkey.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.latchkey.store.JdbcTokenFamilyStore;
import dev.latchkey.store.JdbcUserStore;
import dev.latchkey.testing.DatabaseTest;
import dev.latchkey.testing.ManualScheduler;
import dev.latchkey.testing.MutableClock;
import dev.latchkey.testing.TestDatabase;
import dev.latchkey.user.NewUser;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The in-memory set of revoked families: its load at start, its sync on the scheduler, what it forgets. */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class RevokedFamiliesTest extends DatabaseTest {
    private final MutableClock clock = MutableClock.at("2026-04-01T12:00:00Z");
    private final ManualScheduler scheduler = new ManualScheduler();
    private JdbcTokenFamilyStore store;
    private RevokedFamilies revoked;
    private long alice;
    private int families;

    RevokedFamiliesTest(TestDatabase.Kind kind) {
        super(kind);
    }

    @BeforeEach
    void setUp() {
        store = new JdbcTokenFamilyStore(db.database());
        revoked = new RevokedFamilies(store, clock);
        alice = new JdbcUserStore(db.database())
                .insert(NewUser.named("alice"), "!", clock.instant())
                .id();
    }

    /** A family stored now, living for a day. */
    private String family() {
        var id = "family-" + ++families;
        var now = clock.instant();
        store.insert(
                new TokenFamily(id, alice, null, now, now.plus(Duration.ofDays(1)), null),
                String.format("%064d", families),
                now.plus(Duration.ofHours(1)));
        return id;
    }

    @Test
    void startLoadsTheRevocationsThatStillMatterAndSchedulesOneSync() {
        var old = family();
        store.revoke(old, clock.instant(), "test");
        clock.advance(RevokedFamilies.REMEMBER.plusMinutes(1));
        var recent = family();
        store.revoke(recent, clock.instant().minusSeconds(5), "test");
        var live = family();

        revoked.start(scheduler);
        assertThat(revoked.contains(recent)).isTrue();
        assertThat(revoked.contains(old))
                .as("no access token of it can still be valid")
                .isFalse();
        assertThat(revoked.contains(live)).isFalse();
        assertThat(scheduler.tasks()).singleElement().satisfies(task -> {
            assertThat(task.name()).isEqualTo("revocation-sync");
            assertThat(task.interval()).isEqualTo(RevokedFamilies.SYNC_INTERVAL);
        });
    }

    @Test
    void aRevocationByAnotherProcessTakesHoldAtTheNextSync() {
        var id = family();
        revoked.start(scheduler);
        store.revoke(id, clock.instant(), "elsewhere");
        assertThat(revoked.contains(id)).as("only the database knows yet").isFalse();

        clock.advance(RevokedFamilies.SYNC_INTERVAL);
        scheduler.tick();
        assertThat(revoked.contains(id)).isTrue();
    }

    @Test
    void aSyncStillSeesARevocationStampedByANodeWhoseClockRunsBehind() {
        revoked.start(scheduler);
        clock.advance(Duration.ofSeconds(10));
        scheduler.tick();
        var id = family();
        // Stamped 25 seconds before this node's last sync: inside the overlap each sync reads again.
        store.revoke(id, clock.instant().minusSeconds(25), "elsewhere");
        scheduler.tick();
        assertThat(revoked.contains(id)).isTrue();
    }

    @Test
    void anIdIsForgottenOnceNoAccessTokenOfItsFamilyCanStillBeValid() {
        var start = clock.instant();
        revoked.add("early", start);
        revoked.add("late", start.plus(Duration.ofHours(1)));
        revoked.add("late", start);
        clock.advance(RevokedFamilies.REMEMBER);
        revoked.sync();
        assertThat(revoked.contains("early")).isFalse();
        assertThat(revoked.contains("late"))
                .as("remembered from its latest revocation")
                .isTrue();
        clock.advance(Duration.ofHours(1));
        revoked.sync();
        assertThat(revoked.contains("late")).isFalse();
    }

    @Test
    void startingTwiceSchedulesOnceAndStopCancelsTheSyncButKeepsWhatIsKnown() {
        var id = family();
        store.revoke(id, clock.instant(), "test");
        revoked.start(scheduler);
        revoked.start(scheduler);
        assertThat(scheduler.tasks()).hasSize(1);

        revoked.stop();
        assertThat(scheduler.tasks()).isEmpty();
        assertThat(revoked.contains(id)).isTrue();
        revoked.stop();
    }

    @Test
    void aSyncThatCannotReadTheDatabaseIsLoggedAndLeftScheduled() {
        revoked.start(scheduler);
        db.database().close();
        assertThatCode(scheduler::tick).doesNotThrowAnyException();
        assertThat(scheduler.tasks()).hasSize(1);
    }

    @Test
    void theMemoryOutlastsTheLongestAccessLifetimeAnyConfigurationAllows() {
        assertThat(RevokedFamilies.REMEMBER).isGreaterThan(JwtSettings.MAX_ACCESS_LIFETIME);
        revoked.add("family", Instant.parse("2026-04-01T12:00:00Z"));
        clock.advance(JwtSettings.MAX_ACCESS_LIFETIME);
        revoked.sync();
        assertThat(revoked.contains("family")).isTrue();
    }
}
