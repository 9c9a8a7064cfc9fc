package dev.latchkey.store;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.singleuse.SingleUseStore;
import java.time.Duration;
import java.time.Instant;

/**
 * {@link SingleUseStore} as rows: one conditional insert claims a value — it inserts, or takes over a row whose value
 * has expired, and otherwise changes nothing — so of any number of uses on any number of nodes exactly one sees a
 * row change. Only the SHA-256 of purpose and value is stored. The same SQL runs on SQLite and PostgreSQL.
 */
public final class JdbcSingleUseStore implements SingleUseStore {
    private static final String CLAIM = "INSERT INTO single_use_values (value_hash, expires_at) VALUES (?, ?)"
            + " ON CONFLICT (value_hash) DO UPDATE SET expires_at = excluded.expires_at"
            + " WHERE single_use_values.expires_at <= ?";
    private static final String PURGE = "DELETE FROM single_use_values WHERE expires_at <= ?";

    private final Sql sql;

    public JdbcSingleUseStore(Database database) {
        this.sql = database.sql();
    }

    @Override
    public boolean firstUse(String purpose, String value, Instant now, Duration lifetime) {
        var hash = Secrets.sha256Hex(purpose + ' ' + value);
        return sql.update(CLAIM, s -> {
                    s.setString(1, hash);
                    s.setLong(2, now.plus(lifetime).toEpochMilli());
                    s.setLong(3, now.toEpochMilli());
                })
                == 1;
    }

    /** Deletes the values that have expired; answers how many went. */
    public int purgeExpired(Instant now) {
        return sql.update(PURGE, s -> s.setLong(1, now.toEpochMilli()));
    }
}
