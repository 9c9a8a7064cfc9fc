package dev.latchkey.store;

import dev.latchkey.provider.Client;
import dev.latchkey.provider.ClientStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@link ClientStore} on SQLite or PostgreSQL; lists are newline-separated (no registered URI holds one). */
public final class JdbcClientStore implements ClientStore {
    private static final String COLUMNS =
            "id, name, secret_hash, auth_method, redirect_uris, post_logout_redirect_uris,"
                    + " grant_types, first_party, backchannel_logout_uri, jwks, jwks_uri, created_at";
    private static final String INSERT =
            "INSERT INTO oidc_clients (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final Sql sql;

    public JdbcClientStore(Database database) {
        this.sql = database.sql();
    }

    @Override
    public void insert(Client client) {
        sql.update(INSERT, s -> {
            s.setString(1, client.id());
            s.setString(2, client.name());
            setNullable(s, 3, client.secretHash());
            s.setString(4, client.authMethod().wireName());
            s.setString(5, String.join("\n", client.redirectUris()));
            s.setString(6, String.join("\n", client.postLogoutRedirectUris()));
            s.setString(
                    7, String.join(" ", client.grantTypes().stream().sorted().toList()));
            s.setBoolean(8, client.firstParty());
            setNullable(s, 9, client.backchannelLogoutUri());
            setNullable(s, 10, client.jwks());
            setNullable(s, 11, client.jwksUri());
            s.setLong(12, client.created().toEpochMilli());
        });
    }

    @Override
    public Optional<Client> find(String id) {
        return sql.one(
                "SELECT " + COLUMNS + " FROM oidc_clients WHERE id = ?",
                s -> s.setString(1, id),
                JdbcClientStore::client);
    }

    @Override
    public List<Client> list() {
        return sql.list(
                "SELECT " + COLUMNS + " FROM oidc_clients ORDER BY created_at, id", s -> {}, JdbcClientStore::client);
    }

    @Override
    public boolean updateSecret(String id, String secretHash, Instant now) {
        return sql.update("UPDATE oidc_clients SET secret_hash = ?, secret_rotated_at = ? WHERE id = ?", s -> {
                    s.setString(1, secretHash);
                    s.setLong(2, now.toEpochMilli());
                    s.setString(3, id);
                })
                == 1;
    }

    @Override
    public boolean delete(String id) {
        // SQLite enforces the cascades only with foreign keys on, so the dependants go first, by name.
        return sql.inTransaction(c -> {
            Sql.update(c, "DELETE FROM oidc_consents WHERE client_id = ?", s -> s.setString(1, id));
            Sql.update(c, "DELETE FROM oidc_session_clients WHERE client_id = ?", s -> s.setString(1, id));
            Sql.update(c, "DELETE FROM oidc_logout_outbox WHERE client_id = ?", s -> s.setString(1, id));
            return Sql.update(c, "DELETE FROM oidc_clients WHERE id = ?", s -> s.setString(1, id)) == 1;
        });
    }

    private static void setNullable(java.sql.PreparedStatement s, int index, String value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.VARCHAR);
        } else {
            s.setString(index, value);
        }
    }

    private static Client client(ResultSet r) throws SQLException {
        return new Client(
                r.getString("id"),
                r.getString("name"),
                r.getString("secret_hash"),
                Client.AuthMethod.of(r.getString("auth_method")),
                lines(r.getString("redirect_uris")),
                lines(r.getString("post_logout_redirect_uris")),
                Set.of(r.getString("grant_types").split(" ", -1)),
                r.getBoolean("first_party"),
                r.getString("backchannel_logout_uri"),
                r.getString("jwks"),
                r.getString("jwks_uri"),
                Instant.ofEpochMilli(r.getLong("created_at")));
    }

    private static List<String> lines(String column) {
        return column == null || column.isEmpty() ? List.of() : Arrays.asList(column.split("\n", -1));
    }
}
