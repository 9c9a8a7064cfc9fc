package dev.latchkey.store;

import dev.latchkey.account.AccountStore;
import dev.latchkey.account.AccountToken;
import dev.latchkey.account.TokenPurpose;
import dev.latchkey.error.Conflict;
import dev.latchkey.error.StoreFailure;
import dev.latchkey.mail.Outbox;
import dev.latchkey.request.Language;
import dev.latchkey.user.NewUser;
import dev.latchkey.user.User;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link AccountStore} on SQLite or PostgreSQL: each method one transaction, with the mail it causes. */
public final class JdbcAccountStore implements AccountStore {
    private static final String TOKEN_COLUMNS =
            "id, purpose, user_id, email, binding, staff, created_at, expires_at, spent_at";
    private static final String INSERT_TOKEN = "INSERT INTO account_tokens (token_hash, purpose, user_id, email,"
            + " binding, staff, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String PRUNE_TOKENS = "DELETE FROM account_tokens WHERE user_id = ? AND purpose = ?"
            + " AND spent_at IS NULL AND id NOT IN (SELECT id FROM account_tokens WHERE user_id = ? AND purpose = ?"
            + " AND spent_at IS NULL ORDER BY id DESC LIMIT ?)";
    private static final String FIND_TOKEN = "SELECT " + TOKEN_COLUMNS + " FROM account_tokens WHERE token_hash = ?";
    private static final String SPEND =
            "UPDATE account_tokens SET spent_at = ? WHERE id = ? AND spent_at IS NULL AND expires_at > ?";
    private static final String DELETE_UNSPENT =
            "DELETE FROM account_tokens WHERE user_id = ? AND purpose = ? AND spent_at IS NULL";
    private static final String UPDATE_PASSWORD = "UPDATE users SET password_hash = ? WHERE id = ?";
    private static final String CONFIRM_EMAIL =
            "UPDATE users SET email = ?, email_verified = TRUE, email_verified_at = ? WHERE id = ?";
    private static final String INSERT_USER = "INSERT INTO users (username, email, password_hash, is_active,"
            + " is_staff, is_superuser, date_joined, email_verified, email_verified_at, signed_up)"
            + " VALUES (?, ?, ?, TRUE, ?, ?, ?, ?, ?, TRUE)";
    private static final String FIND_USER = "SELECT " + JdbcUserStore.COLUMNS + " FROM users WHERE username = ?";
    private static final String INSERT_REQUEST =
            "INSERT INTO account_requests (kind, email, language, created_at) VALUES (?, ?, ?, ?)";
    private static final String PENDING =
            "SELECT id, kind, email, language, created_at FROM account_requests ORDER BY id LIMIT ?";
    private static final String DELETE_REQUEST = "DELETE FROM account_requests WHERE id = ?";
    private static final String DELETE_EXPIRED =
            "DELETE FROM account_tokens WHERE expires_at < ? OR (spent_at IS NOT NULL AND spent_at < ?)";

    private final Sql sql;
    private final Clock clock;

    public JdbcAccountStore(Database database, Clock clock) {
        this.sql = database.sql();
        this.clock = clock;
    }

    @Override
    public boolean issue(NewToken token, int keepOutstanding, List<Outbox.Outgoing> mails, Optional<Long> doneRequest) {
        return sql.inTransaction(c -> {
            if (doneRequest.isPresent() && Sql.update(c, DELETE_REQUEST, s -> s.setLong(1, doneRequest.get())) == 0) {
                return false;
            }
            insertToken(c, token, token.userId());
            if (token.userId() != null && keepOutstanding < Integer.MAX_VALUE) {
                Sql.update(c, PRUNE_TOKENS, s -> {
                    s.setLong(1, token.userId());
                    s.setString(2, token.purpose().stored());
                    s.setLong(3, token.userId());
                    s.setString(4, token.purpose().stored());
                    s.setInt(5, keepOutstanding);
                });
            }
            JdbcMailOutbox.insert(c, mails, clock.instant());
            return true;
        });
    }

    private static void insertToken(Connection c, NewToken token, Long userId) throws SQLException {
        Sql.update(c, INSERT_TOKEN, s -> {
            s.setString(1, token.tokenHash());
            s.setString(2, token.purpose().stored());
            if (userId == null) {
                s.setNull(3, Types.BIGINT);
            } else {
                s.setLong(3, userId);
            }
            s.setString(4, token.email());
            s.setString(5, token.binding());
            s.setBoolean(6, token.staff());
            s.setLong(7, token.created().toEpochMilli());
            s.setLong(8, token.expires().toEpochMilli());
        });
    }

    @Override
    public Optional<AccountToken> findToken(String tokenHash) {
        return sql.one(FIND_TOKEN, s -> s.setString(1, tokenHash), r -> {
            long userId = r.getLong("user_id");
            var user = r.wasNull() ? null : userId;
            return new AccountToken(
                    r.getLong("id"),
                    TokenPurpose.ofStored(r.getString("purpose")),
                    user,
                    r.getString("email"),
                    r.getString("binding"),
                    r.getBoolean("staff"),
                    Instant.ofEpochMilli(r.getLong("created_at")),
                    Instant.ofEpochMilli(r.getLong("expires_at")),
                    Sql.instantOrNull(r, "spent_at"));
        });
    }

    private static boolean spend(Connection c, long tokenId, Instant now) throws SQLException {
        return Sql.update(c, SPEND, s -> {
                    s.setLong(1, now.toEpochMilli());
                    s.setLong(2, tokenId);
                    s.setLong(3, now.toEpochMilli());
                })
                == 1;
    }

    private static void deleteUnspent(Connection c, long userId, TokenPurpose purpose) throws SQLException {
        Sql.update(c, DELETE_UNSPENT, s -> {
            s.setLong(1, userId);
            s.setString(2, purpose.stored());
        });
    }

    private static void setPassword(Connection c, long userId, String passwordHash) throws SQLException {
        Sql.update(c, UPDATE_PASSWORD, s -> {
            s.setString(1, passwordHash);
            s.setLong(2, userId);
        });
    }

    @Override
    public boolean resetPassword(
            long tokenId, Instant now, long userId, String passwordHash, List<Outbox.Outgoing> mails) {
        return sql.inTransaction(c -> {
            if (!spend(c, tokenId, now)) {
                return false;
            }
            setPassword(c, userId, passwordHash);
            deleteUnspent(c, userId, TokenPurpose.RESET);
            JdbcMailOutbox.insert(c, mails, now);
            return true;
        });
    }

    @Override
    public void changePassword(long userId, String passwordHash, List<Outbox.Outgoing> mails) {
        sql.inTransaction(c -> {
            setPassword(c, userId, passwordHash);
            deleteUnspent(c, userId, TokenPurpose.RESET);
            JdbcMailOutbox.insert(c, mails, clock.instant());
            return null;
        });
    }

    @Override
    public boolean confirmEmail(long tokenId, Instant now, long userId, String email, List<Outbox.Outgoing> mails) {
        return sql.inTransaction(c -> {
            if (!spend(c, tokenId, now)) {
                return false;
            }
            Sql.update(c, CONFIRM_EMAIL, s -> {
                s.setString(1, email);
                s.setLong(2, now.toEpochMilli());
                s.setLong(3, userId);
            });
            deleteUnspent(c, userId, TokenPurpose.VERIFY_EMAIL);
            deleteUnspent(c, userId, TokenPurpose.EMAIL_CHANGE);
            // A reset link mailed to the old address must not outlive the change.
            deleteUnspent(c, userId, TokenPurpose.RESET);
            JdbcMailOutbox.insert(c, mails, now);
            return true;
        });
    }

    @Override
    public Optional<User> signUp(
            NewUser user,
            String passwordHash,
            Instant now,
            Instant emailVerifiedAt,
            Optional<Long> invitation,
            Optional<NewToken> verification,
            List<Outbox.Outgoing> mails) {
        try {
            return sql.inTransaction(c -> {
                if (invitation.isPresent() && !spend(c, invitation.get(), now)) {
                    return Optional.<User>empty();
                }
                if (!Sql.list(c, FIND_USER, s -> s.setString(1, user.username()), JdbcUserStore::user)
                        .isEmpty()) {
                    throw taken();
                }
                Sql.update(c, INSERT_USER, s -> {
                    s.setString(1, user.username());
                    s.setString(2, user.email());
                    s.setString(3, passwordHash);
                    s.setBoolean(4, user.staff());
                    s.setBoolean(5, user.superuser());
                    s.setLong(6, now.toEpochMilli());
                    s.setBoolean(7, emailVerifiedAt != null);
                    if (emailVerifiedAt == null) {
                        s.setNull(8, Types.BIGINT);
                    } else {
                        s.setLong(8, emailVerifiedAt.toEpochMilli());
                    }
                });
                var made = Sql.list(c, FIND_USER, s -> s.setString(1, user.username()), JdbcUserStore::user)
                        .get(0);
                if (verification.isPresent()) {
                    insertToken(c, verification.get(), made.id());
                }
                JdbcMailOutbox.insert(c, mails, now);
                return Optional.of(made);
            });
        } catch (StoreFailure e) {
            // Two sign-ups raced past the check for the same name; the unique index decided.
            if (sql.one(FIND_USER, s -> s.setString(1, user.username()), JdbcUserStore::user)
                    .isPresent()) {
                throw taken();
            }
            throw e;
        }
    }

    private static Conflict taken() {
        return new Conflict("username_taken", "that username is taken");
    }

    @Override
    public void enqueue(List<Outbox.Outgoing> mails) {
        if (!mails.isEmpty()) {
            sql.inTransaction(c -> {
                JdbcMailOutbox.insert(c, mails, clock.instant());
                return null;
            });
        }
    }

    @Override
    public void addRequest(String kind, String email, Language language, Instant now) {
        sql.update(INSERT_REQUEST, s -> {
            s.setString(1, kind);
            s.setString(2, email);
            s.setString(3, language.tag());
            s.setLong(4, now.toEpochMilli());
        });
    }

    @Override
    public List<PendingRequest> pendingRequests(int limit) {
        return sql.list(
                PENDING,
                s -> s.setInt(1, limit),
                r -> new PendingRequest(
                        r.getLong("id"),
                        r.getString("kind"),
                        r.getString("email"),
                        Language.ofTag(r.getString("language")),
                        Instant.ofEpochMilli(r.getLong("created_at"))));
    }

    @Override
    public boolean deleteRequest(long id) {
        return sql.update(DELETE_REQUEST, s -> s.setLong(1, id)) == 1;
    }

    @Override
    public int deleteExpired(Instant before) {
        return sql.update(DELETE_EXPIRED, s -> {
            s.setLong(1, before.toEpochMilli());
            s.setLong(2, before.toEpochMilli());
        });
    }
}
