package dev.latchkey.social;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditStore;
import dev.latchkey.auth.AuthenticationDenied;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.Conflict;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.password.PasswordHashing;
import dev.latchkey.request.RequestContext;
import dev.latchkey.user.Emails;
import dev.latchkey.user.NewUser;
import dev.latchkey.user.User;
import dev.latchkey.user.UserStore;
import dev.latchkey.user.Usernames;
import dev.latchkey.user.Users;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which user a provider's identity is. The same provider and subject is always the same user. A new identity joins
 * an existing user only when the provider asserts the email is verified and exactly one user has it, verified as
 * theirs too, and is not staff ({@link #byVerifiedEmail}); otherwise it gets a new user (unusable password, a unique
 * username from the email or name; an unverified email is not stored on the user, so that it can never be used to
 * link later). A signed-in user may link more identities and unlink them, but not the last way they have to sign in.
 *
 * <p>Signing in is not done here: {@link SocialBackend} answers {@link #userFor} to the chain, and
 * {@link dev.latchkey.auth.SignIn} refuses an inactive user, records the last login and audits the attempt.
 */
public final class SocialAccounts {
    private static final Pattern NOT_USERNAME = Pattern.compile("[^\\p{L}\\p{N}_.@+-]");
    private static final int BASE_LENGTH = 30;

    private final Map<String, SocialProvider> providers;
    private final SocialAccountStore accounts;
    private final UserStore userStore;
    private final Users users;
    private final AuditStore audit;
    private final ObjectMapper json;
    private final Secrets secrets;
    private final Clock clock;
    private final ProviderTokenVault vault;

    /** @param vault keeps the tokens an identity comes with, for providers that keep them */
    public SocialAccounts(
            Map<String, SocialProvider> providers,
            SocialAccountStore accounts,
            UserStore userStore,
            Users users,
            AuditStore audit,
            ObjectMapper json,
            Secrets secrets,
            Clock clock,
            ProviderTokenVault vault) {
        this.vault = vault;
        this.providers = Map.copyOf(providers);
        this.accounts = accounts;
        this.userStore = userStore;
        this.users = users;
        this.audit = audit;
        this.json = json;
        this.secrets = secrets;
        this.clock = clock;
    }

    /**
     * The user this identity belongs to — found, linked by a verified email, or created — active or not; the
     * profile, email and tokens are updated from the identity. {@link AuthenticationDenied} when the account names a
     * user that no longer exists.
     */
    public User userFor(SocialIdentity identity, RequestContext request) {
        var now = clock.instant();
        var existing = accounts.findByIdentity(identity.provider(), identity.subject());
        User user;
        if (existing.isPresent()) {
            accounts.updateProfile(existing.get().id(), identity, profile(identity), now);
            vault.keep(existing.get().id(), identity);
            user = userStore
                    .findById(existing.get().userId())
                    .orElseThrow(() -> new AuthenticationDenied(AuthenticationDenied.Reason.INVALID_CREDENTIALS));
        } else {
            user = byVerifiedEmail(identity).orElseGet(() -> create(identity));
            tie(identity, user, now, request);
        }
        return user;
    }

    /** Ties another identity to a signed-in user ({@link Conflict} if it belongs to someone else). */
    public void link(User user, SocialIdentity identity, RequestContext request) {
        var existing = accounts.findByIdentity(identity.provider(), identity.subject());
        if (existing.isPresent()) {
            if (existing.get().userId() != user.id()) {
                throw new Conflict(
                        "social_account_taken",
                        "that " + identity.provider() + " account already belongs to another user");
            }
            return;
        }
        tie(identity, user, clock.instant(), request);
    }

    /** The identities tied to the user, oldest first. */
    public List<SocialAccount> forUser(long userId) {
        return accounts.findByUser(userId);
    }

    /** Unties an identity, unless it is the user's last way to sign in (no usable password, no other identity). */
    public boolean unlink(User user, long accountId, RequestContext request) {
        var mine = accounts.findByUser(user.id());
        var target = mine.stream().filter(a -> a.id() == accountId).findFirst();
        if (target.isEmpty()) {
            return false;
        }
        var hasPassword = userStore
                .findCredentials(user.username())
                .map(c -> PasswordHashing.isUsable(c.passwordHash()))
                .orElse(false);
        if (!hasPassword && mine.size() == 1) {
            throw new InvalidInput(
                    "last_sign_in_method",
                    "this is your only way to sign in: set a password or link" + " another account first");
        }
        accounts.delete(user.id(), accountId);
        record("social_unlink", user, "success", "via_" + target.get().provider(), request);
        return true;
    }

    /**
     * The account a new identity joins by itself, if any: only when the provider links by email, vouches for the
     * email, and exactly one account has that email, verified as its own — never an email nobody checked (an
     * import, the command line), which whoever controls a provider account with that address could otherwise take
     * over — and never a staff account, whose takeover costs the most.
     */
    private Optional<User> byVerifiedEmail(SocialIdentity identity) {
        var linkByEmail = provider(identity.provider())
                .map(p -> p.settings().linkByEmail())
                .orElse(true);
        if (!identity.emailVerified() || identity.email().isEmpty() || !linkByEmail) {
            return Optional.empty();
        }
        var matches = userStore.findByEmail(identity.email(), 2);
        if (matches.size() != 1) {
            return Optional.empty();
        }
        var match = matches.get(0);
        return match.emailVerified() && !match.staff() && !match.superuser() ? Optional.of(match) : Optional.empty();
    }

    private Optional<SocialProvider> provider(String name) {
        return Optional.ofNullable(name == null ? null : providers.get(name));
    }

    private User create(SocialIdentity identity) {
        var email = identity.emailVerified() ? acceptable(identity.email()) : "";
        var base = usernameBase(identity);
        for (int attempt = 0; attempt < 20; attempt++) {
            var candidate =
                    attempt == 0 ? base : base + "-" + secrets.alphanumeric(5).toLowerCase(Locale.ROOT);
            if (userStore.findByUsername(candidate).isPresent()) {
                continue;
            }
            try {
                var created = users.create(new NewUser(candidate, email, false, false), Optional.empty());
                if (!email.isEmpty()) {
                    // The provider vouched for it: the one kind of email latchkey knows to be the user's today.
                    userStore.updateEmailVerified(created.id(), clock.instant());
                    return userStore.findById(created.id()).orElse(created);
                }
                return created;
            } catch (Conflict raced) {
                // taken meanwhile; try another
            }
        }
        throw new Conflict("username_unavailable", "no free username could be made for this account");
    }

    /** A provider's email as a user's, or nothing when it is not one latchkey accepts (control characters, length). */
    private static String acceptable(String email) {
        try {
            return email.isEmpty() ? "" : Emails.normalize(email);
        } catch (InvalidInput e) {
            return "";
        }
    }

    private void tie(SocialIdentity identity, User user, Instant now, RequestContext request) {
        try {
            var account = accounts.insert(identity, user.id(), profile(identity), now);
            vault.keep(account.id(), identity);
        } catch (Conflict raced) {
            // A concurrent first sign-in with the same identity tied it a moment ago: that tie stands.
            var winner = accounts.findByIdentity(identity.provider(), identity.subject())
                    .orElseThrow(() -> raced);
            if (winner.userId() != user.id()) {
                throw raced;
            }
            return;
        }
        record("social_link", user, "success", "via_" + identity.provider(), request);
    }

    static String usernameBase(SocialIdentity identity) {
        var source = !identity.email().isEmpty()
                ? identity.email()
                        .substring(
                                0,
                                Math.max(
                                        0,
                                        identity.email().indexOf('@') < 0
                                                ? identity.email().length()
                                                : identity.email().indexOf('@')))
                : identity.name();
        var cleaned = NOT_USERNAME
                .matcher(Usernames.tryNormalize(source.replace(' ', '.'))
                        .orElse(NOT_USERNAME.matcher(source).replaceAll("")))
                .replaceAll("");
        if (cleaned.length() > BASE_LENGTH) {
            cleaned = cleaned.substring(0, BASE_LENGTH);
        }
        return cleaned.isEmpty() ? identity.provider() + "-user" : cleaned;
    }

    private String profile(SocialIdentity identity) {
        try {
            return json.writeValueAsString(identity.profile());
        } catch (JsonProcessingException e) {
            return "{}";
        }
    }

    private void record(String kind, User user, String outcome, String reason, RequestContext request) {
        audit.append(new AuditEvent(
                clock.instant(),
                kind,
                user.id(),
                user.username(),
                outcome,
                reason,
                request.clientIp(),
                request.userAgent()));
    }
}
