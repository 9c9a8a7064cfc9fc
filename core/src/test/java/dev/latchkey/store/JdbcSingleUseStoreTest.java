package dev.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.singleuse.SingleUseContract;
import dev.latchkey.singleuse.SingleUseStore;
import dev.latchkey.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The single-use contract on PostgreSQL, each "node" with a pool of its own on one database. */
class JdbcSingleUseStoreTest extends SingleUseContract {
    private TestDatabase shared;
    private final List<Database> pools = new ArrayList<>();

    @Override
    protected SingleUseStore node() {
        if (shared == null) {
            shared = TestDatabase.postgres();
        }
        var pool = Database.open(shared.url());
        pools.add(pool);
        return new JdbcSingleUseStore(pool);
    }

    @AfterEach
    void closeShared() {
        pools.forEach(Database::close);
        if (shared != null) {
            shared.close();
        }
    }

    @Test
    void onlyAHashIsStoredAndExpiredValuesArePurged() {
        var store = (JdbcSingleUseStore) node();
        var now = clock.instant();
        store.firstUse("app_code", "secret-code", now, Duration.ofMinutes(10));
        store.firstUse("app_code", "other-code", now, Duration.ofMinutes(20));
        var stored = pools.get(0).sql().list("SELECT value_hash FROM single_use_values", s -> {}, r -> r.getString(1));
        assertThat(stored).hasSize(2).allSatisfy(h -> assertThat(h).matches("[0-9a-f]{64}"));
        assertThat(store.purgeExpired(now.plus(Duration.ofMinutes(15)))).isEqualTo(1);
    }
}
