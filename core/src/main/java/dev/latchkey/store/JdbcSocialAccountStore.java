package dev.latchkey.store;

import dev.latchkey.error.Conflict;
import dev.latchkey.error.StoreFailure;
import dev.latchkey.social.SocialAccount;
import dev.latchkey.social.SocialAccountStore;
import dev.latchkey.social.SocialIdentity;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link SocialAccountStore} on SQLite or PostgreSQL. */
public final class JdbcSocialAccountStore implements SocialAccountStore {
    private static final String COLUMNS =
            "id, provider, subject, user_id, email, email_verified, created_at," + " last_login_at";
    private static final String FIND = "SELECT " + COLUMNS + " FROM social_accounts WHERE provider = ? AND subject = ?";
    private static final String FIND_BY_USER =
            "SELECT " + COLUMNS + " FROM social_accounts WHERE user_id = ?" + " ORDER BY id";
    private static final String INSERT = "INSERT INTO social_accounts (provider, subject, user_id, email,"
            + " email_verified, profile, created_at, last_login_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_PROFILE = "UPDATE social_accounts SET email = ?, email_verified = ?,"
            + " profile = ?, last_login_at = ? WHERE id = ?";
    private static final String DELETE = "DELETE FROM social_accounts WHERE user_id = ? AND id = ?";
    private static final String UPDATE_TOKENS = "UPDATE social_accounts SET tokens_sealed = ? WHERE id = ?";
    private static final String FIND_TOKENS = "SELECT tokens_sealed FROM social_accounts WHERE id = ?";

    private final Sql sql;

    public JdbcSocialAccountStore(Database database) {
        this.sql = database.sql();
    }

    @Override
    public Optional<SocialAccount> findByIdentity(String provider, String subject) {
        return sql.one(
                FIND,
                s -> {
                    s.setString(1, provider);
                    s.setString(2, subject);
                },
                JdbcSocialAccountStore::account);
    }

    @Override
    public List<SocialAccount> findByUser(long userId) {
        return sql.list(FIND_BY_USER, s -> s.setLong(1, userId), JdbcSocialAccountStore::account);
    }

    @Override
    public SocialAccount insert(SocialIdentity identity, long userId, String profileJson, Instant now) {
        try {
            sql.update(INSERT, s -> {
                s.setString(1, identity.provider());
                s.setString(2, identity.subject());
                s.setLong(3, userId);
                s.setString(4, identity.email());
                s.setBoolean(5, identity.emailVerified());
                s.setString(6, profileJson);
                s.setLong(7, now.toEpochMilli());
                s.setLong(8, now.toEpochMilli());
            });
        } catch (StoreFailure e) {
            if (findByIdentity(identity.provider(), identity.subject()).isPresent()) {
                throw new Conflict(
                        "social_account_taken", "that " + identity.provider() + " account is already tied to a user");
            }
            throw e;
        }
        return findByIdentity(identity.provider(), identity.subject()).orElseThrow();
    }

    @Override
    public void updateProfile(long id, SocialIdentity identity, String profileJson, Instant now) {
        sql.update(UPDATE_PROFILE, s -> {
            s.setString(1, identity.email());
            s.setBoolean(2, identity.emailVerified());
            s.setString(3, profileJson);
            s.setLong(4, now.toEpochMilli());
            s.setLong(5, id);
        });
    }

    @Override
    public boolean delete(long userId, long id) {
        return sql.deleteOwned(DELETE, userId, id);
    }

    @Override
    public void updateTokens(long id, String sealed) {
        sql.update(UPDATE_TOKENS, s -> {
            s.setString(1, sealed);
            s.setLong(2, id);
        });
    }

    @Override
    public Optional<String> findTokens(long id) {
        return sql.one(FIND_TOKENS, s -> s.setLong(1, id), r -> r.getString(1));
    }

    private static SocialAccount account(ResultSet r) throws SQLException {
        return new SocialAccount(
                r.getLong("id"),
                r.getString("provider"),
                r.getString("subject"),
                r.getLong("user_id"),
                r.getString("email"),
                r.getBoolean("email_verified"),
                Instant.ofEpochMilli(r.getLong("created_at")),
                Instant.ofEpochMilli(r.getLong("last_login_at")));
    }
}
