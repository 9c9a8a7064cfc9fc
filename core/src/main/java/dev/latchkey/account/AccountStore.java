package dev.latchkey.account;

import dev.latchkey.mail.Outbox;
import dev.latchkey.request.Language;
import dev.latchkey.user.NewUser;
import dev.latchkey.user.User;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where account tokens and the requests behind them live. Every method that issues or spends a token writes the
 * mail it causes in the same transaction: either both happen or neither.
 */
public interface AccountStore {

    /** A token to store: its hash, never the token. {@code userId} null for an invitation. */
    record NewToken(
            String tokenHash,
            TokenPurpose purpose,
            Long userId,
            String email,
            String binding,
            boolean staff,
            Instant created,
            Instant expires) {}

    /** A request by email address, waiting to be worked on ({@link #addRequest}). */
    record PendingRequest(long id, String kind, String email, Language language, Instant created) {}

    /**
     * Stores the token and its mails; of the user's unspent tokens of the same purpose, only the newest
     * {@code keepOutstanding} (this one included) stay. With {@code doneRequest}, that request is deleted in the same
     * transaction, and nothing is written (false) when another node took it first.
     */
    boolean issue(NewToken token, int keepOutstanding, List<Outbox.Outgoing> mails, Optional<Long> doneRequest);

    Optional<AccountToken> findToken(String tokenHash);

    /**
     * Spends the reset token, sets the password hash, deletes the user's other reset tokens and writes the mails — or,
     * when the token was spent already or has expired (a race lost), nothing, answering false.
     */
    boolean resetPassword(long tokenId, Instant now, long userId, String passwordHash, List<Outbox.Outgoing> mails);

    /** Sets the password hash, deletes the user's reset tokens and writes the mails, in one transaction. */
    void changePassword(long userId, String passwordHash, List<Outbox.Outgoing> mails);

    /**
     * Spends the token and makes {@code email} the user's verified address (at {@code now}); deletes the user's other
     * verification and email-change tokens. False when the token was spent already or has expired.
     */
    boolean confirmEmail(long tokenId, Instant now, long userId, String email, List<Outbox.Outgoing> mails);

    /**
     * Makes a signed-up user, and in the same transaction spends the invitation (when given; a spent or expired one
     * makes nothing and answers empty), stores the verification token (when given; its user is the new user) and
     * writes the mails. {@link dev.latchkey.error.Conflict} when the username is taken.
     */
    Optional<User> signUp(
            NewUser user,
            String passwordHash,
            Instant now,
            Instant emailVerifiedAt,
            Optional<Long> invitation,
            Optional<NewToken> verification,
            List<Outbox.Outgoing> mails);

    void enqueue(List<Outbox.Outgoing> mails);

    void addRequest(String kind, String email, Language language, Instant now);

    List<PendingRequest> pendingRequests(int limit);

    /** True when this call deleted it: whoever deletes a request is the one who answers it. */
    boolean deleteRequest(long id);

    /** Deletes tokens that expired or were spent before {@code before}; answers how many. */
    int deleteExpired(Instant before);
}
