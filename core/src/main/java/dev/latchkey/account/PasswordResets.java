package dev.latchkey.account;

import dev.latchkey.request.Language;
import dev.latchkey.request.RequestContext;
import dev.latchkey.throttle.RequestLimiter;
import dev.latchkey.user.Emails;
import dev.latchkey.user.User;
import dev.latchkey.user.UserCredentials;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Password reset by mail (Django's {@code PasswordResetView}, done as OWASP's cheat sheet asks).
 *
 * <p>A request only stores the address and answers: which accounts have it, and the token and mail for each, are
 * worked out in the background ({@link #answer}), so the answer and its time are the same for every address and
 * nothing about SMTP can change them. A token is 256 random bits, stored as its SHA-256, single use (spent by one
 * conditional update in the transaction that sets the password), expiring after {@code accounts.reset_lifetime},
 * and bound to the password hash and email it was issued against: changing either ends it. At most
 * {@value #OUTSTANDING} are outstanding per user. A reset ends every session, token family and API token the user
 * made, mails "your password was changed", and does not sign in.
 */
public final class PasswordResets {
    static final String REQUEST = "password_reset";
    static final int OUTSTANDING = 3;
    private static final int MAX_ACCOUNTS = 10;
    private final AccountParts parts;
    private final RequestLimiter limiter;

    PasswordResets(AccountParts parts, RequestLimiter limiter) {
        this.parts = parts;
        this.limiter = limiter;
    }

    /** Asks for a reset link for every active account with this address; answers the same whether there is one. */
    public void request(String email, RequestContext request, Language language) {
        var address = requireAddress(email);
        // Past the address's own budget the answer stays the same and nothing is mailed: a 429 there would let
        // anyone block a victim's resets with three requests.
        if (limiter.allow(address.toLowerCase(Locale.ROOT), request.clientIp())) {
            parts.store().addRequest(REQUEST, address, language, parts.clock().instant());
        }
    }

    static String requireAddress(String email) {
        return Emails.requireDeliverable(email);
    }

    /** Works on one stored request: a token and a mail for each account that may reset by this address. */
    void answer(AccountStore.PendingRequest pending) {
        var accounts = parts.userStore().findByEmail(pending.email(), MAX_ACCOUNTS).stream()
                .filter(PasswordResets::mayReset)
                .toList();
        // As Django's get_users: an account without a usable password (social sign-in only) gets none by mail,
        // which would let whoever reads its mailbox step around the provider.
        var usable = accounts.stream()
                .flatMap(user -> parts.userStore().findCredentials(user.username()).stream())
                .filter(credentials -> !credentials.passwordHash().startsWith("!"))
                .toList();
        parts.answerEach(pending, usable, (credentials, done) -> issue(credentials, pending.language(), done));
    }

    /**
     * Inactive accounts get nothing, and neither does a signed-up account whose address was never confirmed: it may
     * have been made with somebody else's address.
     */
    private static boolean mayReset(User user) {
        return user.active() && !user.mustVerifyEmail();
    }

    private boolean issue(UserCredentials credentials, Language language, Optional<Long> done) {
        var user = credentials.user();
        var now = parts.clock().instant();
        var fresh = parts.tokens().fresh();
        var expires = now.plus(parts.settings().resetLifetime());
        var mail = parts.mail()
                .write(
                        "password_reset",
                        user.email(),
                        language,
                        Map.of(
                                "username", user.username(),
                                "expires", AccountMail.time(expires),
                                "link", parts.mail().link("/password/reset/" + fresh.token())));
        return parts.store()
                .issue(
                        new AccountStore.NewToken(
                                fresh.hash(),
                                TokenPurpose.RESET,
                                user.id(),
                                user.email(),
                                AccountTokens.binding(credentials.passwordHash(), user.email()),
                                false,
                                now,
                                expires),
                        OUTSTANDING,
                        List.of(mail),
                        done);
    }

    /** The user a reset link is for, while it works (the form is shown only then); {@code invalid_token} if not. */
    public User check(String token) {
        return usable(token).user();
    }

    private UserCredentials usable(String token) {
        var found = parts.store().findToken(AccountTokens.hashOf(token));
        if (found.isEmpty()
                || found.get().purpose() != TokenPurpose.RESET
                || !found.get().usableAt(parts.clock().instant())
                || found.get().userId() == null) {
            throw AccountTokens.invalid();
        }
        var user = parts.userStore().findById(found.get().userId());
        var credentials = user.flatMap(u -> parts.userStore().findCredentials(u.username()));
        if (credentials.isEmpty()
                || !credentials.get().user().active()
                || !AccountTokens.bound(
                        found.get(),
                        credentials.get().passwordHash(),
                        credentials.get().user().email())) {
            throw AccountTokens.invalid();
        }
        return credentials.get();
    }

    /** Sets the new password with a reset link; the link is spent, everything the user was signed in with ends. */
    public User confirm(String token, String password, RequestContext request, Language language) {
        var credentials = usable(token);
        var user = credentials.user();
        parts.policy().check(password, user.username(), user.email());
        var hash = parts.hashing().hash(password);
        var found = parts.store().findToken(AccountTokens.hashOf(token)).orElseThrow(AccountTokens::invalid);
        var mails = user.email().isEmpty() || !parts.mailOn()
                ? List.<dev.latchkey.mail.Outbox.Outgoing>of()
                : List.of(PasswordChanges.changedMail(parts, user, language));
        if (!parts.store().resetPassword(found.id(), parts.clock().instant(), user.id(), hash, mails)) {
            throw AccountTokens.invalid();
        }
        parts.users().endEverything(user.id());
        parts.record("password_reset", user, "", "success", "", request);
        return user;
    }
}
