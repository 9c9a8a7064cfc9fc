package dev.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.testing.TestDatabase;
import dev.latchkey.throttle.Rule;
import dev.latchkey.throttle.ThrottleContract;
import dev.latchkey.throttle.ThrottleStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The throttle contract on PostgreSQL: each "node" has a pool of its own on one database of this test, as separate
 * processes would.
 */
class JdbcThrottleStoreTest extends ThrottleContract {
    private TestDatabase shared;
    private final List<Database> pools = new ArrayList<>();

    /** The contract's set-up asks for nodes first, so the database is made on the first call. */
    @Override
    protected ThrottleStore node() {
        if (shared == null) {
            shared = TestDatabase.postgres();
        }
        var pool = Database.open(shared.url());
        pools.add(pool);
        return new JdbcThrottleStore(pool);
    }

    @AfterEach
    void closeShared() {
        pools.forEach(Database::close);
        if (shared != null) {
            shared.close();
        }
    }

    @Test
    void idleKeysArePurgedWithTheirAttemptsButBlockedOnesStay() {
        var store = (JdbcThrottleStore) node();
        var rule = new Rule(1, Duration.ofHours(30));
        var now = clock.instant();
        store.reserve("idle", now, rule, Duration.ofDays(3));
        store.reserve("blocked", now, rule, Duration.ofDays(3));
        store.failed("blocked", now, now, rule, Duration.ofDays(3));
        var later = now.plus(Duration.ofDays(1)).plusSeconds(1);
        assertThat(store.purgeIdle(later)).isEqualTo(1);
        assertThat(store.blockedUntil("blocked", later)).isPresent();
    }
}
