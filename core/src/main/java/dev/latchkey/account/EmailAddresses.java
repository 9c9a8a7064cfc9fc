package dev.latchkey.account;

import dev.latchkey.auth.SignIn;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.mail.Outbox;
import dev.latchkey.request.Language;
import dev.latchkey.request.RequestContext;
import dev.latchkey.throttle.RequestLimiter;
import dev.latchkey.user.User;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Proving an email address is the user's, and changing it. A verification link confirms the address it was mailed
 * to, and stops working when the user's address changes; an email change takes effect only when confirmed from the
 * new address (the old one is told at once), and its link is bound to the password and the old address. Confirming
 * takes a POST: a mail scanner that fetches the link only sees a page with a button.
 */
public final class EmailAddresses {
    static final String RESEND = "verify_email";
    private static final int OUTSTANDING = 3;
    private final AccountParts parts;
    private final RequestLimiter limiter;
    private final RequestLimiter changeLimiter;
    private final SignIn signIn;

    EmailAddresses(AccountParts parts, RequestLimiter limiter, RequestLimiter changeLimiter, SignIn signIn) {
        this.parts = parts;
        this.limiter = limiter;
        this.changeLimiter = changeLimiter;
        this.signIn = signIn;
    }

    /** Asks for a new verification mail by address: answered the same whether or not an account has it. */
    public void resend(String email, RequestContext request, Language language) {
        var address = PasswordResets.requireAddress(email);
        if (limiter.allow(address.toLowerCase(Locale.ROOT), request.clientIp())) {
            parts.store().addRequest(RESEND, address, language, parts.clock().instant());
        }
    }

    /** A new verification mail for the signed-in user's own unconfirmed address. */
    public void resend(User user, RequestContext request, Language language) {
        if (user.email().isEmpty() || user.emailVerified()) {
            throw new InvalidInput("nothing_to_verify", "the account has no unconfirmed email address");
        }
        limiter.take(user.email().toLowerCase(Locale.ROOT), request.clientIp());
        var unused = issueVerification(user, language, Optional.empty());
    }

    /**
     * Works on a stored resend request: each active account that signed up with the address and has not confirmed
     * it (the newest {@value #OUTSTANDING}) gets a link of its own, each mail and confirm page naming the account, so
     * the address's owner confirms their own account and not one somebody else made with their address.
     */
    void answer(AccountStore.PendingRequest pending) {
        var waiting = parts.userStore().findByEmail(pending.email(), 50).stream()
                .filter(u -> u.active() && u.mustVerifyEmail())
                .sorted(java.util.Comparator.comparingLong(User::id).reversed())
                .limit(OUTSTANDING)
                .toList();
        parts.answerEach(pending, waiting, (user, done) -> issueVerification(user, pending.language(), done));
    }

    private boolean issueVerification(User user, Language language, Optional<Long> done) {
        var now = parts.clock().instant();
        var fresh = parts.tokens().fresh();
        var expires = now.plus(parts.settings().verificationLifetime());
        var mail = parts.mail()
                .write(
                        "verify_email",
                        user.email(),
                        language,
                        Map.of(
                                "username", user.username(),
                                "email", user.email(),
                                "expires", AccountMail.time(expires),
                                "link", parts.mail().link("/verify-email/" + fresh.token())));
        return parts.store()
                .issue(
                        new AccountStore.NewToken(
                                fresh.hash(),
                                TokenPurpose.VERIFY_EMAIL,
                                user.id(),
                                user.email(),
                                "",
                                false,
                                now,
                                expires),
                        OUTSTANDING,
                        List.of(mail),
                        done);
    }

    /**
     * Asks to change the signed-in user's address: the current password is checked like a sign-in; a link goes to
     * the new address, a notice to the old one.
     */
    public void requestChange(
            User user, String email, String currentPassword, RequestContext request, Language language) {
        var address = PasswordResets.requireAddress(email);
        signIn.confirmPassword(request, user, currentPassword);
        if (address.equalsIgnoreCase(user.email()) && user.emailVerified()) {
            throw new InvalidInput("invalid_email", "that is already the account's address");
        }
        changeLimiter.take(address.toLowerCase(Locale.ROOT), request.clientIp());
        var credentials = parts.userStore().findCredentials(user.username()).orElseThrow(AccountTokens::invalid);
        var now = parts.clock().instant();
        var fresh = parts.tokens().fresh();
        var expires = now.plus(parts.settings().verificationLifetime());
        var mails = new ArrayList<Outbox.Outgoing>();
        mails.add(parts.mail()
                .write(
                        "email_change",
                        address,
                        language,
                        Map.of(
                                "username", user.username(),
                                "email", address,
                                "expires", AccountMail.time(expires),
                                "link", parts.mail().link("/verify-email/" + fresh.token()))));
        if (!user.email().isEmpty() && !user.email().equalsIgnoreCase(address)) {
            mails.add(parts.mail()
                    .write(
                            "email_change_notice",
                            user.email(),
                            language,
                            Map.of("username", user.username(), "new_email", address)));
        }
        parts.store()
                .issue(
                        new AccountStore.NewToken(
                                fresh.hash(),
                                TokenPurpose.EMAIL_CHANGE,
                                user.id(),
                                address,
                                AccountTokens.binding(credentials.passwordHash(), user.email()),
                                false,
                                now,
                                expires),
                        OUTSTANDING,
                        mails,
                        Optional.empty());
        parts.record("email_change_requested", user, "", "success", "", request);
    }

    /** What a verification or email-change link would confirm: which account, which address. */
    public record Pending(String username, String email) {}

    /** What a verification or email-change link would confirm, while it works; {@code invalid_token} if not. */
    public Pending check(String token) {
        var found = usable(token);
        var user = parts.userStore().findById(found.userId()).orElseThrow(AccountTokens::invalid);
        return new Pending(user.username(), found.email());
    }

    /** Confirms the address of a verification or email-change link; answers the user it now belongs to. */
    public User confirm(String token, RequestContext request) {
        var found = usable(token);
        if (!parts.store()
                .confirmEmail(found.id(), parts.clock().instant(), found.userId(), found.email(), List.of())) {
            throw AccountTokens.invalid();
        }
        parts.users().forgetCached(found.userId());
        var user = parts.userStore().findById(found.userId()).orElseThrow(AccountTokens::invalid);
        parts.record(
                found.purpose() == TokenPurpose.EMAIL_CHANGE ? "email_changed" : "email_verified",
                user,
                "",
                "success",
                "",
                request);
        return user;
    }

    private AccountToken usable(String token) {
        var found = parts.store().findToken(AccountTokens.hashOf(token));
        if (found.isEmpty()
                || (found.get().purpose() != TokenPurpose.VERIFY_EMAIL
                        && found.get().purpose() != TokenPurpose.EMAIL_CHANGE)
                || !found.get().usableAt(parts.clock().instant())
                || found.get().userId() == null) {
            throw AccountTokens.invalid();
        }
        var user = parts.userStore().findById(found.get().userId());
        if (user.isEmpty() || !user.get().active()) {
            throw AccountTokens.invalid();
        }
        boolean stillBound = found.get().purpose() == TokenPurpose.VERIFY_EMAIL
                ? user.get().email().equalsIgnoreCase(found.get().email())
                : parts.userStore()
                        .findCredentials(user.get().username())
                        .map(c -> AccountTokens.bound(
                                found.get(), c.passwordHash(), c.user().email()))
                        .orElse(false);
        if (!stillBound) {
            throw AccountTokens.invalid();
        }
        return found.get();
    }
}
