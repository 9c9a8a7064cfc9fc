package dev.latchkey.store;

import dev.latchkey.error.Conflict;
import dev.latchkey.error.StoreFailure;
import dev.latchkey.user.ImportResult;
import dev.latchkey.user.ImportedUser;
import dev.latchkey.user.NewUser;
import dev.latchkey.user.User;
import dev.latchkey.user.UserCredentials;
import dev.latchkey.user.UserStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/** {@link UserStore} on SQLite or PostgreSQL; the same SQL serves both. */
public final class JdbcUserStore implements UserStore {
    static final String COLUMNS =
            "id, username, email, is_active, is_staff, is_superuser, date_joined, last_login, email_verified,"
                    + " email_verified_at, signed_up";
    private static final String FIND_BY_ID = "SELECT " + COLUMNS + " FROM users WHERE id = ?";
    private static final String FIND_BY_USERNAME = "SELECT " + COLUMNS + " FROM users WHERE username = ?";
    private static final String FIND_BY_EMAIL =
            "SELECT " + COLUMNS + " FROM users WHERE lower(email) = lower(?)" + " ORDER BY id LIMIT ?";
    private static final String FIND_CREDENTIALS =
            "SELECT " + COLUMNS + ", password_hash FROM users WHERE username = ?";
    private static final String INSERT = "INSERT INTO users (username, email, password_hash, is_active, is_staff,"
            + " is_superuser, date_joined) VALUES (?, ?, ?, TRUE, ?, ?, ?)";
    private static final String UPDATE_PASSWORD = "UPDATE users SET password_hash = ? WHERE id = ?";
    private static final String UPDATE_ACTIVE = "UPDATE users SET is_active = ? WHERE id = ?";
    private static final String UPDATE_EMAIL_VERIFIED =
            "UPDATE users SET email_verified = ?, email_verified_at = ? WHERE id = ?";
    private static final String UPDATE_LAST_LOGIN = "UPDATE users SET last_login = ? WHERE id = ?";
    private static final String FIND_ALL = "SELECT " + COLUMNS + " FROM users WHERE id > ? ORDER BY id LIMIT ?";
    private static final String EXISTING_USERNAMES = "SELECT username FROM users";
    private static final String UPSERT = "INSERT INTO users (username, email, password_hash, is_active, is_staff,"
            + " is_superuser, date_joined, last_login) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (username) DO UPDATE SET email = excluded.email, password_hash = excluded.password_hash,"
            + " is_active = excluded.is_active, is_staff = excluded.is_staff, is_superuser = excluded.is_superuser,"
            + " date_joined = excluded.date_joined, last_login = excluded.last_login,"
            // An email that changes is no longer known to be the user's.
            + " email_verified = CASE WHEN users.email = excluded.email THEN users.email_verified ELSE FALSE END,"
            + " email_verified_at = CASE WHEN users.email = excluded.email THEN users.email_verified_at END";
    private static final int IMPORT_BATCH = 1_000;

    private final Sql sql;

    public JdbcUserStore(Database database) {
        this.sql = database.sql();
    }

    @Override
    public Optional<User> findById(long id) {
        return sql.one(FIND_BY_ID, s -> s.setLong(1, id), JdbcUserStore::user);
    }

    @Override
    public List<User> findByEmail(String email, int limit) {
        return sql.list(
                FIND_BY_EMAIL,
                s -> {
                    s.setString(1, email);
                    s.setInt(2, limit);
                },
                JdbcUserStore::user);
    }

    @Override
    public Optional<User> findByUsername(String username) {
        return sql.one(FIND_BY_USERNAME, s -> s.setString(1, username), JdbcUserStore::user);
    }

    @Override
    public Optional<UserCredentials> findCredentials(String username) {
        return sql.one(
                FIND_CREDENTIALS,
                s -> s.setString(1, username),
                r -> new UserCredentials(user(r), r.getString("password_hash")));
    }

    @Override
    public User insert(NewUser user, String passwordHash, Instant dateJoined) {
        if (findByUsername(user.username()).isPresent()) {
            throw taken(user.username());
        }
        try {
            sql.update(INSERT, s -> {
                s.setString(1, user.username());
                s.setString(2, user.email());
                s.setString(3, passwordHash);
                s.setBoolean(4, user.staff());
                s.setBoolean(5, user.superuser());
                s.setLong(6, dateJoined.toEpochMilli());
            });
        } catch (StoreFailure e) {
            // Two creations raced past the check above; the unique index decided.
            if (findByUsername(user.username()).isPresent()) {
                throw taken(user.username());
            }
            throw e;
        }
        return findByUsername(user.username()).orElseThrow();
    }

    @Override
    public boolean updatePassword(long id, String passwordHash) {
        return sql.update(UPDATE_PASSWORD, s -> {
                    s.setString(1, passwordHash);
                    s.setLong(2, id);
                })
                == 1;
    }

    @Override
    public boolean updateEmailVerified(long id, Instant verifiedAt) {
        return sql.update(UPDATE_EMAIL_VERIFIED, s -> {
                    s.setBoolean(1, verifiedAt != null);
                    if (verifiedAt == null) {
                        s.setNull(2, Types.BIGINT);
                    } else {
                        s.setLong(2, verifiedAt.toEpochMilli());
                    }
                    s.setLong(3, id);
                })
                > 0;
    }

    @Override
    public boolean updateActive(long id, boolean active) {
        return sql.update(UPDATE_ACTIVE, s -> {
                    s.setBoolean(1, active);
                    s.setLong(2, id);
                })
                == 1;
    }

    @Override
    public void updateLastLogin(long id, Instant at) {
        sql.update(UPDATE_LAST_LOGIN, s -> {
            s.setLong(1, at.toEpochMilli());
            s.setLong(2, id);
        });
    }

    @Override
    public List<User> findAll(long afterId, int limit) {
        return sql.list(
                FIND_ALL,
                s -> {
                    s.setLong(1, afterId);
                    s.setInt(2, limit);
                },
                JdbcUserStore::user);
    }

    @Override
    public ImportResult upsertAll(List<ImportedUser> users) {
        return sql.inTransaction(c -> {
            var existing = new HashSet<>(Sql.list(c, EXISTING_USERNAMES, s -> {}, r -> r.getString(1)));
            int updated = 0;
            try (var statement = c.prepareStatement(UPSERT)) {
                int pending = 0;
                for (var user : users) {
                    bindImported(statement, user);
                    statement.addBatch();
                    if (existing.contains(user.username())) {
                        updated++;
                    }
                    if (++pending == IMPORT_BATCH) {
                        statement.executeBatch();
                        pending = 0;
                    }
                }
                if (pending > 0) {
                    statement.executeBatch();
                }
            }
            return new ImportResult(users.size() - updated, updated);
        });
    }

    private static void bindImported(PreparedStatement s, ImportedUser user) throws SQLException {
        s.setString(1, user.username());
        s.setString(2, user.email() == null ? "" : user.email());
        s.setString(3, user.passwordHash());
        s.setBoolean(4, user.active());
        s.setBoolean(5, user.staff());
        s.setBoolean(6, user.superuser());
        s.setLong(7, user.dateJoined().toEpochMilli());
        if (user.lastLogin() == null) {
            s.setNull(8, Types.BIGINT);
        } else {
            s.setLong(8, user.lastLogin().toEpochMilli());
        }
    }

    static User user(ResultSet r) throws SQLException {
        long lastLogin = r.getLong("last_login");
        var lastLoginAt = r.wasNull() ? null : Instant.ofEpochMilli(lastLogin);
        return new User(
                r.getLong("id"),
                r.getString("username"),
                r.getString("email"),
                r.getBoolean("is_active"),
                r.getBoolean("is_staff"),
                r.getBoolean("is_superuser"),
                Instant.ofEpochMilli(r.getLong("date_joined")),
                lastLoginAt,
                r.getBoolean("email_verified"),
                Sql.instantOrNull(r, "email_verified_at"),
                r.getBoolean("signed_up"));
    }

    private static Conflict taken(String username) {
        return new Conflict("username_taken", "a user named " + username + " exists already");
    }
}
