package dev.latchkey.user;

import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditStore;
import dev.latchkey.error.NotFound;
import dev.latchkey.password.PasswordHashing;
import dev.latchkey.password.PasswordPolicy;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What can be done to users: create, import, change password, activate and deactivate. A password change and a
 * deactivation end everything the user was signed in with ({@link UserRevocation}), whichever of these made them.
 */
public final class Users {
    private static final int EXISTING_PAGE = 1_000;
    private final UserStore store;
    private final PasswordHashing hashing;
    private final PasswordPolicy policy;
    private final List<UserRevocation> revocations;
    private final Clock clock;
    private final UserCache cache;
    private final AuditStore audit;

    public Users(
            UserStore store,
            UserCache cache,
            PasswordHashing hashing,
            PasswordPolicy policy,
            List<UserRevocation> revocations,
            AuditStore audit,
            Clock clock) {
        this.audit = audit;
        this.store = store;
        this.cache = cache;
        this.hashing = hashing;
        this.policy = policy;
        this.revocations = List.copyOf(revocations);
        this.clock = clock;
    }

    /** Creates a user; with an empty {@code password} the user gets an unusable one (social sign-in only). */
    public User create(NewUser user, Optional<String> password) {
        password.ifPresent(p -> policy.check(p, user.username(), user.email()));
        var hash = password.map(hashing::hash).orElseGet(hashing::unusable);
        return store.insert(user, hash, clock.instant());
    }

    /**
     * Writes imported users in one transaction ({@link UserStore#upsertAll}). An existing user whose password hash
     * the import changes, or whom it deactivates, then loses every session and token family, as after
     * {@link #setPassword} or {@link #deactivate}: whoever signed in with the old password must not stay signed in.
     * An import that changes neither ends nothing.
     */
    public ImportResult importAll(List<ImportedUser> imported) {
        var before = existing(imported);
        var result = store.upsertAll(imported);
        for (var user : imported) {
            var old = before.get(user.username());
            if (old == null) {
                continue;
            }
            cache.forget(old.user().id());
            if (!old.passwordHash().equals(user.passwordHash())) {
                revokeAll(old.user().id());
                record("password_changed", old.user());
            } else if (old.user().active() && !user.active()) {
                revokeAll(old.user().id());
                record("user_deactivated", old.user());
            }
        }
        return result;
    }

    /** The stored credentials of those imported users that exist already; a fresh import costs one scan of ids. */
    private Map<String, UserCredentials> existing(List<ImportedUser> imported) {
        var names = new HashSet<String>();
        imported.forEach(u -> names.add(u.username()));
        var found = new HashMap<String, UserCredentials>();
        long after = 0;
        List<User> page;
        do {
            page = store.findAll(after, EXISTING_PAGE);
            for (var user : page) {
                if (names.contains(user.username())) {
                    store.findCredentials(user.username())
                            .ifPresent(c -> found.put(c.user().username(), c));
                }
                after = user.id();
            }
        } while (page.size() == EXISTING_PAGE);
        return found;
    }

    public void setPassword(String username, String password) {
        var user = require(username);
        policy.check(password, user.username(), user.email());
        store.updatePassword(user.id(), hashing.hash(password));
        revokeAll(user.id());
        record("password_changed", user);
    }

    public User deactivate(String username) {
        var user = require(username);
        store.updateActive(user.id(), false);
        cache.forget(user.id());
        revokeAll(user.id());
        record("user_deactivated", user);
        return store.findById(user.id()).orElseThrow();
    }

    public User activate(String username) {
        var user = require(username);
        store.updateActive(user.id(), true);
        cache.forget(user.id());
        record("user_activated", user);
        return store.findById(user.id()).orElseThrow();
    }

    /**
     * Records whether the user's email is theirs — an operator's word ({@code user create --email-verified}), later a
     * verification mail. Only a verified email lets a provider's identity join the account.
     */
    public User setEmailVerified(String username, boolean verified) {
        var user = require(username);
        store.updateEmailVerified(user.id(), verified ? clock.instant() : null);
        cache.forget(user.id());
        return store.findById(user.id()).orElseThrow();
    }

    public Optional<User> find(String username) {
        return Usernames.tryNormalize(username).flatMap(store::findByUsername);
    }

    public Optional<User> findById(long id) {
        return store.findById(id);
    }

    public List<User> list(long afterId, int limit) {
        return store.findAll(afterId, limit);
    }

    private User require(String username) {
        return find(username).orElseThrow(() -> new NotFound("no_such_user", "no user is named " + username));
    }

    private void record(String kind, User user) {
        audit.append(new AuditEvent(clock.instant(), kind, user.id(), user.username(), "success", "", "", ""));
    }

    /**
     * Ends everything the user is signed in with — sessions, token families, the API tokens they made — and forgets
     * the cached user: after a password was reset or changed elsewhere than {@link #setPassword}.
     */
    public void endEverything(long userId) {
        cache.forget(userId);
        revokeAll(userId);
    }

    /** The user changed in the store behind this class's back (an email confirmed): read it afresh next time. */
    public void forgetCached(long userId) {
        cache.forget(userId);
    }

    private void revokeAll(long userId) {
        revocations.forEach(r -> r.revokeAll(userId));
    }
}
