package dev.latchkey.account;

import dev.latchkey.audit.AuditStore;
import dev.latchkey.auth.SignIn;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.mail.MailSeal;
import dev.latchkey.mail.MailTemplates;
import dev.latchkey.password.PasswordHashing;
import dev.latchkey.password.PasswordPolicy;
import dev.latchkey.throttle.RequestLimiter;
import dev.latchkey.throttle.Rule;
import dev.latchkey.throttle.ThrottleStore;
import dev.latchkey.time.Scheduler;
import dev.latchkey.user.UserStore;
import dev.latchkey.user.Users;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounts people run themselves: sign-up and invitations ({@link SignUps}), password reset by mail
 * ({@link PasswordResets}), password change ({@link PasswordChanges}) and email verification and change
 * ({@link EmailAddresses}). Requests made by address are answered in the background, every {@code interval}.
 */
public final class Accounts {
    private static final Logger log = LoggerFactory.getLogger(Accounts.class);
    private static final int BATCH = 50;
    private final AccountParts parts;
    private final SignUps signUps;
    private final PasswordResets resets;
    private final PasswordChanges changes;
    private final EmailAddresses emails;
    private Scheduler.Cancellable running;

    Accounts(
            AccountParts parts,
            SignUps signUps,
            PasswordResets resets,
            PasswordChanges changes,
            EmailAddresses emails) {
        this.parts = parts;
        this.signUps = signUps;
        this.resets = resets;
        this.changes = changes;
        this.emails = emails;
    }

    /** Requests answered later are dropped when still unanswered after this (one that keeps failing, say). */
    private static final Duration REQUEST_LIFETIME = Duration.ofDays(1);

    private static final Duration MAX_BLOCK = Duration.ofHours(6);

    /**
     * Wires the account flows. Mail is on when there is a {@code seal} (mail is set up) and the settings name a public
     * URL for the links; without either, reset, verification and invitations are off.
     *
     * @param throttle where the request limits count: the sign-in throttle's store, so that nodes share them
     */
    public static Accounts create(
            AccountStore store,
            UserStore userStore,
            Users users,
            PasswordHashing hashing,
            PasswordPolicy policy,
            AuditStore audit,
            SignIn signIn,
            ThrottleStore throttle,
            MailTemplates templates,
            MailSeal seal,
            AccountSettings settings,
            Secrets secrets,
            Clock clock,
            MeterRegistry meters) {
        var mail = seal == null || settings.publicUrl() == null
                ? null
                : new AccountMail(templates, seal, settings.publicUrl());
        var parts = new AccountParts(
                store, userStore, users, hashing, policy, audit, mail, new AccountTokens(secrets), settings, clock);
        var quarterHour = Duration.ofMinutes(15);
        var hour = Duration.ofHours(1);
        var byMail = new RequestLimiter(
                throttle,
                "mail_request",
                new Rule(10, quarterHour),
                new Rule(3, quarterHour),
                MAX_BLOCK,
                clock,
                meters);
        var signUpLimit =
                new RequestLimiter(throttle, "signup", new Rule(10, hour), new Rule(3, hour), MAX_BLOCK, clock, meters);
        var changeLimit = new RequestLimiter(
                throttle, "email_change", new Rule(10, hour), new Rule(3, hour), MAX_BLOCK, clock, meters);
        signIn.requireVerifiedEmail(mail != null && settings.verification() == EmailVerification.REQUIRED);
        return new Accounts(
                parts,
                new SignUps(parts, signUpLimit),
                new PasswordResets(parts, byMail),
                new PasswordChanges(parts, signIn),
                new EmailAddresses(parts, byMail, changeLimit, signIn));
    }

    /**
     * A security notice for the user ({@code recovery_code_used}, {@code mfa_enabled}, {@code mfa_disabled}), written
     * and sealed for the outbox; empty when mail is off or the user has no email address.
     */
    public java.util.Optional<dev.latchkey.mail.Outbox.Outgoing> notice(
            dev.latchkey.user.User user, String kind, dev.latchkey.request.Language language) {
        if (!parts.mailOn() || user.email().isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(parts.mail()
                .write(
                        kind,
                        user.email(),
                        language,
                        java.util.Map.of(
                                "username", user.username(),
                                "at", AccountMail.time(parts.clock().instant()),
                                "link", parts.mail().link("/account/mfa"))));
    }

    public SignUps signUps() {
        return signUps;
    }

    /** Password reset by mail; {@code mail_off} (503) when there is no mail. */
    public PasswordResets passwordResets() {
        requireMail();
        return resets;
    }

    public PasswordChanges passwordChanges() {
        return changes;
    }

    /** Verification and change of addresses; {@code mail_off} (503) when there is no mail. */
    public EmailAddresses emailAddresses() {
        requireMail();
        return emails;
    }

    public AccountSettings settings() {
        return parts.settings();
    }

    /** Mail is set up, and with it reset, verification and invitations. */
    public boolean mailOn() {
        return parts.mailOn();
    }

    private void requireMail() {
        if (!parts.mailOn()) {
            throw mailOff();
        }
    }

    static LatchkeyException mailOff() {
        return new LatchkeyException("mail_off", 503, "mail is not set up on this server (mail.smtp_url)");
    }

    public synchronized void start(Scheduler scheduler, Duration interval) {
        if (running == null && parts.mailOn()) {
            running = scheduler.every("account-requests", interval, this::answerRequests);
        }
    }

    public synchronized void stop() {
        if (running != null) {
            running.cancel();
            running = null;
        }
    }

    /** Answers the requests made by address that wait; answers how many. */
    public int answerRequests() {
        int answered = 0;
        while (true) {
            var pending = parts.store().pendingRequests(BATCH);
            int before = answered;
            for (var request : pending) {
                if (request.created()
                        .plus(REQUEST_LIFETIME)
                        .isBefore(parts.clock().instant())) {
                    log.warn("request {} ({}) unanswered for a day, dropped", request.id(), request.kind());
                    parts.store().deleteRequest(request.id());
                    continue;
                }
                try {
                    switch (request.kind()) {
                        case PasswordResets.REQUEST -> resets.answer(request);
                        case EmailAddresses.RESEND -> emails.answer(request);
                        default -> {
                            log.warn("request {} of unknown kind {} dropped", request.id(), request.kind());
                            parts.store().deleteRequest(request.id());
                        }
                    }
                    answered++;
                } catch (RuntimeException e) {
                    // Left in place and tried again next time (the database may be away for a moment); the ones
                    // after it are not held up.
                    log.warn("request {} ({}) not answered yet: {}", request.id(), request.kind(), e.toString());
                }
            }
            if (pending.size() < BATCH || answered == before) {
                return answered;
            }
        }
    }

    /** Deletes tokens that ended more than a day ago. */
    public int purge() {
        return parts.store().deleteExpired(parts.clock().instant().minus(Duration.ofDays(1)));
    }
}
