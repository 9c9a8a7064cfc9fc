package dev.latchkey.store;

import dev.latchkey.provider.Consent;
import dev.latchkey.provider.ConsentStore;
import dev.latchkey.provider.Scopes;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link ConsentStore} on SQLite or PostgreSQL. */
public final class JdbcConsentStore implements ConsentStore {
    private static final String COLUMNS = "user_id, client_id, scope, granted_at";
    private static final String UPSERT = "INSERT INTO oidc_consents (" + COLUMNS + ") VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (user_id, client_id) DO UPDATE SET scope = excluded.scope, granted_at = excluded.granted_at";

    private final Sql sql;

    public JdbcConsentStore(Database database) {
        this.sql = database.sql();
    }

    @Override
    public Optional<Consent> find(long userId, String clientId) {
        return sql.one(
                "SELECT " + COLUMNS + " FROM oidc_consents WHERE user_id = ? AND client_id = ?",
                s -> {
                    s.setLong(1, userId);
                    s.setString(2, clientId);
                },
                JdbcConsentStore::consent);
    }

    @Override
    public void save(long userId, String clientId, Scopes scopes, Instant now) {
        sql.update(UPSERT, s -> {
            s.setLong(1, userId);
            s.setString(2, clientId);
            s.setString(3, scopes.toString());
            s.setLong(4, now.toEpochMilli());
        });
    }

    @Override
    public boolean delete(long userId, String clientId) {
        return sql.update("DELETE FROM oidc_consents WHERE user_id = ? AND client_id = ?", s -> {
                    s.setLong(1, userId);
                    s.setString(2, clientId);
                })
                == 1;
    }

    @Override
    public List<Consent> forUser(long userId) {
        return sql.list(
                "SELECT " + COLUMNS + " FROM oidc_consents WHERE user_id = ? ORDER BY granted_at DESC",
                s -> s.setLong(1, userId),
                JdbcConsentStore::consent);
    }

    private static Consent consent(ResultSet r) throws SQLException {
        return new Consent(
                r.getLong("user_id"),
                r.getString("client_id"),
                Scopes.parse(r.getString("scope")),
                Instant.ofEpochMilli(r.getLong("granted_at")));
    }
}
