package dev.latchkey.account;

import dev.latchkey.error.InvalidInput;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.mail.Outbox;
import dev.latchkey.request.Language;
import dev.latchkey.request.RequestContext;
import dev.latchkey.throttle.RequestLimiter;
import dev.latchkey.user.Emails;
import dev.latchkey.user.NewUser;
import dev.latchkey.user.User;
import dev.latchkey.user.Usernames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.Optional;

/**
 * Accounts people make themselves, and the invitations that let them in invite mode.
 *
 * <p>An email that an account has already gets the same answer, after the same work (a password hash, one write),
 * as a new one: nobody learns from sign-up which addresses have accounts. The account is made (so that its username
 * is taken either way), but no verification link is mailed for it; the address's owner gets a mail about the attempt
 * instead, and while verification is required such an account can never sign in.
 * A taken username says so: usernames are public on the pages anyway, and a sign-up form that hid them would be
 * unusable.
 */
public final class SignUps {
    private final AccountParts parts;
    private final RequestLimiter limiter;

    SignUps(AccountParts parts, RequestLimiter limiter) {
        this.parts = parts;
        this.limiter = limiter;
    }

    /** What a sign-up form holds. */
    public record Form(String username, String email, String password) {}

    /**
     * How a sign-up went, the same whether or not the email had an account.
     *
     * @param mustVerify the user must confirm their email before signing in (HTTP 202)
     */
    public record Result(String username, boolean mustVerify) {}

    public SignUpMode mode() {
        return parts.settings().signup();
    }

    /** Signs up from the open form ({@code accounts.signup = open}). */
    public Result signUp(Form form, RequestContext request, Language language) {
        if (mode() != SignUpMode.OPEN) {
            throw mode() == SignUpMode.INVITE
                    ? new LatchkeyException("invitation_required", 403, "sign-up needs an invitation")
                    : new LatchkeyException("signup_closed", 403, "sign-up is closed");
        }
        var verification = effectiveVerification();
        var username = Usernames.normalize(form.username());
        var email = form.email() == null || form.email().isEmpty() ? "" : Emails.requireDeliverable(form.email());
        if (email.isEmpty() && verification != EmailVerification.OFF) {
            throw new InvalidInput("invalid_email", "an email address is required");
        }
        requireFree(username);
        parts.policy().check(form.password(), username, email);
        // Counted only for sign-ups that cost a hash and may send a mail.
        limiter.take(email.toLowerCase(java.util.Locale.ROOT), request.clientIp());
        // Hashed whatever happens next, so that an email in use costs what a new one does.
        var hash = parts.hashing().hash(form.password());
        var now = parts.clock().instant();
        // The address belongs to an account that confirmed it (or that an operator, an import or a provider made),
        // never to one that merely signed up with it: that may be somebody else's squat.
        var owner = email.isEmpty()
                ? Optional.<User>empty()
                : parts.userStore().findByEmail(email, 50).stream()
                        .filter(u -> !u.mustVerifyEmail())
                        .findFirst();
        var mails = new ArrayList<Outbox.Outgoing>();
        if (owner.isPresent()) {
            // Made all the same, so the username is taken either way (else a second sign-up with that username
            // would tell which emails have accounts), but it gets no verification link: the address is someone
            // else's until they say otherwise. While verification is required it can never sign in.
            if (parts.mailOn()) {
                mails.add(parts.mail()
                        .write(
                                "signup_attempt",
                                owner.get().email(),
                                language,
                                Map.of(
                                        "username", owner.get().username(),
                                        "email", email,
                                        "link", parts.mail().link("/password/reset"))));
            }
            parts.record("signup_attempt", owner.get(), "", "failure", "email_in_use", request);
            var user = insert(
                    new NewUser(username, email, false, false),
                    hash,
                    now,
                    null,
                    Optional.empty(),
                    Optional.empty(),
                    mails);
            parts.record("signed_up", user, "", "success", "email_in_use", request);
            return new Result(user.username(), verification == EmailVerification.REQUIRED);
        }
        Optional<AccountStore.NewToken> token = Optional.empty();
        if (verification != EmailVerification.OFF) {
            var fresh = parts.tokens().fresh();
            var expires = now.plus(parts.settings().verificationLifetime());
            token = Optional.of(new AccountStore.NewToken(
                    fresh.hash(), TokenPurpose.VERIFY_EMAIL, null, email, "", false, now, expires));
            mails.add(parts.mail()
                    .write(
                            "verify_email",
                            email,
                            language,
                            Map.of(
                                    "username",
                                    username,
                                    "email",
                                    email,
                                    "expires",
                                    AccountMail.time(expires),
                                    "link",
                                    parts.mail().link("/verify-email/" + fresh.token()))));
        }
        var user = insert(new NewUser(username, email, false, false), hash, now, null, Optional.empty(), token, mails);
        parts.record("signed_up", user, "", "success", "", request);
        return new Result(user.username(), verification == EmailVerification.REQUIRED);
    }

    /**
     * Signs up with an invitation: the address is the invited one (the invitation proved it), the account staff when
     * the invitation said so. {@code invalid_token} for an invitation that is unknown, spent or expired.
     */
    public Result acceptInvitation(String token, Form form, RequestContext request) {
        var invitation = invitation(token);
        var username = Usernames.normalize(form.username());
        requireFree(username);
        parts.policy().check(form.password(), username, invitation.email());
        limiter.take("", request.clientIp());
        var hash = parts.hashing().hash(form.password());
        var now = parts.clock().instant();
        var user = insert(
                new NewUser(username, invitation.email(), invitation.staff(), false),
                hash,
                now,
                now,
                Optional.of(invitation.id()),
                Optional.empty(),
                java.util.List.of());
        parts.record("signed_up", user, "", "success", "invitation", request);
        return new Result(user.username(), false);
    }

    /** The invitation behind a {@code /signup/{token}} link, to show its address on the form. */
    public AccountToken invitation(String token) {
        var found = parts.store().findToken(AccountTokens.hashOf(token));
        if (found.isEmpty()
                || found.get().purpose() != TokenPurpose.INVITE
                || !found.get().usableAt(parts.clock().instant())) {
            throw AccountTokens.invalid();
        }
        return found.get();
    }

    /**
     * Mails an invitation to {@code email}; {@code staff} makes the account staff. Refused while sign-up is closed
     * or mail is off.
     */
    public void invite(String email, boolean staff, User invitedBy, RequestContext request, Language language) {
        if (mode() == SignUpMode.CLOSED) {
            throw new LatchkeyException(
                    "signup_closed", 403, "sign-up is closed: set accounts.signup to invite (or open) to invite");
        }
        if (!parts.mailOn()) {
            throw Accounts.mailOff();
        }
        var address = Emails.requireDeliverable(email);
        var now = parts.clock().instant();
        var fresh = parts.tokens().fresh();
        var expires = now.plus(parts.settings().invitationLifetime());
        var mail = parts.mail()
                .write(
                        "invitation",
                        address,
                        language,
                        Map.of(
                                "expires", AccountMail.time(expires),
                                "link", parts.mail().link("/signup/" + fresh.token())));
        parts.store()
                .issue(
                        new AccountStore.NewToken(
                                fresh.hash(), TokenPurpose.INVITE, null, address, "", staff, now, expires),
                        Integer.MAX_VALUE,
                        java.util.List.of(mail),
                        Optional.empty());
        parts.record("invitation_sent", invitedBy, "", "success", staff ? "staff" : "", request);
    }

    private EmailVerification effectiveVerification() {
        return parts.mailOn() ? parts.settings().verification() : EmailVerification.OFF;
    }

    private void requireFree(String username) {
        if (parts.userStore().findByUsername(username).isPresent()) {
            throw new dev.latchkey.error.Conflict("username_taken", "that username is taken");
        }
    }

    private User insert(
            NewUser user,
            String hash,
            Instant now,
            Instant verifiedAt,
            Optional<Long> invitation,
            Optional<AccountStore.NewToken> verification,
            java.util.List<Outbox.Outgoing> mails) {
        return parts.store()
                .signUp(user, hash, now, verifiedAt, invitation, verification, mails)
                .orElseThrow(AccountTokens::invalid);
    }
}
