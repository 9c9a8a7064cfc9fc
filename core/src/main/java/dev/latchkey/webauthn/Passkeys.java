package dev.latchkey.webauthn;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditStore;
import dev.latchkey.auth.AuthenticationDenied;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.error.NotFound;
import dev.latchkey.mfa.EnrolledFactor;
import dev.latchkey.mfa.SecondFactor;
import dev.latchkey.request.RequestContext;
import dev.latchkey.user.User;
import dev.latchkey.user.UserStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * WebAuthn passkeys: registration for a signed-in user, and assertions that prove a second factor or, with a
 * discoverable credential and user verification, a whole sign-in (passwordless, conditional UI).
 *
 * <p>Each challenge is 32 random bytes, good once and for {@link WebAuthnSettings#challengeLifetime}, and bound to
 * what it was issued for (registration, a second factor for one user, a passwordless sign-in): only the SHA-256 of
 * purpose, user and challenge is kept, and taking it is one atomic delete in the shared database, so a challenge
 * answered twice, on any node, wins once. It is spent before the signature is checked, so a refused answer cannot
 * be tried again. A signature counter that did not grow (a cloned authenticator, WebAuthn L3 §6.1.1) is refused,
 * audited as {@code passkey_counter_regression} and counted.
 *
 * <p>Metrics: {@code latchkey.webauthn} by {@code operation} (register_options, register, authenticate_options,
 * authenticate) and {@code outcome} (success, refused, malformed, counter_regression).
 */
public final class Passkeys implements SecondFactor {
    /** The most a response may weigh before it is parsed: real ones are a few kilobytes. */
    public static final int MAX_RESPONSE_CHARS = 64 * 1024;

    private static final int MAX_NAME = 100;
    private static final String REGISTER = "register";
    private static final String SECOND_FACTOR = "second_factor";
    private static final String SIGN_IN = "sign_in";

    private final PasskeyStore store;
    private final UserStore users;
    private final AuditStore audit;
    private final Secrets secrets;
    private final WebAuthnSettings settings;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Ceremonies ceremonies;

    public Passkeys(
            PasskeyStore store,
            UserStore users,
            AuditStore audit,
            Secrets secrets,
            WebAuthnSettings settings,
            Clock clock,
            MeterRegistry meters) {
        this.store = store;
        this.users = users;
        this.audit = audit;
        this.secrets = secrets;
        this.settings = settings;
        this.clock = clock;
        this.meters = meters;
        this.ceremonies = new Ceremonies(settings);
    }

    public WebAuthnSettings settings() {
        return settings;
    }

    @Override
    public String method() {
        return "webauthn";
    }

    @Override
    public List<EnrolledFactor> enrolled(long userId) {
        return store.findByUser(userId).stream()
                .map(p -> new EnrolledFactor(method(), Long.toString(p.id()), p.name(), p.created(), p.lastUsed()))
                .toList();
    }

    /**
     * Checks an assertion as the second step of {@code user}'s sign-in, against a challenge from
     * {@link #authenticationOptions(User)} for them. {@link AuthenticationDenied} when it does not verify;
     * {@link InvalidInput} when it is not a WebAuthn response at all.
     */
    @Override
    public List<String> verify(User user, String proof, RequestContext request) {
        return authenticate(proof, user, request).amr();
    }

    /** The user's passkeys, oldest first. */
    public List<Passkey> forUser(long userId) {
        return store.findByUser(userId);
    }

    /** Options for {@code navigator.credentials.create}, with a fresh challenge for this user's registration. */
    public ObjectNode registrationOptions(User user) {
        var handle = store.handleOf(user.id(), Ceremonies.encode(secrets.bytes(32)));
        var challenge = issue(REGISTER, user.id());
        count(REGISTER + "_options", "success");
        return Options.creation(settings, handle, user.username(), challenge, store.findByUser(user.id()));
    }

    /**
     * Registers the credential that answers this user's registration challenge. {@link InvalidInput} when it is
     * malformed or does not verify (wrong origin, RP id, challenge or type); {@link dev.latchkey.error.Conflict} when
     * it is registered already.
     */
    public Passkey register(User user, String credentialJson, String name, RequestContext request) {
        var label = name(name);
        var data = ceremonies.parseRegistration(bounded(credentialJson, REGISTER));
        var challenge = Ceremonies.challengeOf(data);
        if (!take(REGISTER, user.id(), challenge)) {
            count(REGISTER, "refused");
            throw new InvalidInput(
                    "invalid_credential", "the challenge is unknown, used or expired: ask for new options");
        }
        Ceremonies.NewCredential credential;
        try {
            credential = ceremonies.verifyRegistration(data, challenge);
        } catch (Ceremonies.Refused refused) {
            count(REGISTER, "refused");
            throw new InvalidInput("invalid_credential", "the credential does not verify (" + refused.reason() + ")");
        }
        var passkey = store.insert(new Passkey(
                0,
                user.id(),
                credential.credentialId(),
                credential.publicKeyCose(),
                credential.signCount(),
                credential.transports(),
                credential.userVerified(),
                credential.backupEligible(),
                credential.backedUp(),
                credential.aaguid(),
                label,
                clock.instant(),
                null));
        count(REGISTER, "success");
        record("passkey_added", user, "success", "", request);
        return passkey;
    }

    /**
     * Options for {@code navigator.credentials.get}. For a user (the second step of their sign-in) their passkeys
     * are listed and verification is preferred; for nobody (passwordless, conditional UI) none are listed and
     * verification is required, so the answer is the same whoever asks.
     */
    public ObjectNode authenticationOptions(User user) {
        var challenge = user == null ? issue(SIGN_IN, null) : issue(SECOND_FACTOR, user.id());
        var allowed = user == null ? List.<Passkey>of() : store.findByUser(user.id());
        count("authenticate_options", "success");
        return Options.request(settings, challenge, allowed, user == null);
    }

    /**
     * Checks an assertion: for {@code expected} (a second factor, challenge from {@link #authenticationOptions} for
     * them) or, with null, for whoever the discoverable credential belongs to (passwordless; user verification
     * required). {@link AuthenticationDenied} when it does not verify, {@link InvalidInput} when it is malformed.
     */
    public PasskeyAssertion authenticate(String assertionJson, User expected, RequestContext request) {
        var assertion = ceremonies.parseAssertion(bounded(assertionJson, "authenticate"));
        var purpose = expected == null ? SIGN_IN : SECOND_FACTOR;
        var passkey = store.findByCredentialId(assertion.credentialId());
        var owner = passkey.flatMap(p -> users.findById(p.userId()));
        if (!take(purpose, expected == null ? null : expected.id(), assertion.challenge())) {
            throw refused(owner, "unknown_challenge", purpose, request);
        }
        if (passkey.isEmpty() || owner.isEmpty()) {
            throw refused(owner, "unknown_credential", purpose, request);
        }
        var found = passkey.get();
        if (expected != null && found.userId() != expected.id()) {
            throw refused(Optional.of(expected), "other_users_credential", purpose, request);
        }
        if (!handleMatches(found, assertion.userHandle(), expected == null)) {
            throw refused(owner, "wrong_user_handle", purpose, request);
        }
        Ceremonies.Checked checked;
        try {
            checked = ceremonies.verifyAssertion(assertion, found, assertion.challenge(), expected == null);
        } catch (Ceremonies.Refused refused) {
            if (refused.reason().equals("counter_regression")) {
                count("authenticate", "counter_regression");
                record("passkey_counter_regression", owner.get(), "failure", "passkey " + found.id(), request);
            }
            throw refused(owner, refused.reason(), purpose, request);
        }
        var now = clock.instant();
        store.updateUse(found.id(), checked.signCount(), checked.backedUp(), now);
        count("authenticate", "success");
        record("passkey_sign_in", owner.get(), "success", purpose, request);
        return new PasskeyAssertion(owner.get(), found, checked.userVerified());
    }

    /** Renames one of the user's passkeys; {@link NotFound} when they have none with that id. */
    public void rename(User user, long id, String name, RequestContext request) {
        if (!store.rename(user.id(), id, name(name))) {
            throw noSuchPasskey();
        }
        record("passkey_renamed", user, "success", "", request);
    }

    /** Removes one of the user's passkeys at once; {@link NotFound} when they have none with that id. */
    public void remove(User user, long id, RequestContext request) {
        if (!store.delete(user.id(), id)) {
            throw noSuchPasskey();
        }
        record("passkey_removed", user, "success", "", request);
    }

    /** Deletes challenges that expired unanswered; answers how many. */
    public int purgeExpiredChallenges() {
        return store.deleteExpiredChallenges(clock.instant());
    }

    private String issue(String purpose, Long userId) {
        var challenge = Ceremonies.encode(secrets.bytes(32));
        store.insertChallenge(
                challengeHash(purpose, userId, challenge), clock.instant().plus(settings.challengeLifetime()));
        return challenge;
    }

    private boolean take(String purpose, Long userId, byte[] challenge) {
        if (challenge.length != 32) {
            return false;
        }
        return store.takeChallenge(challengeHash(purpose, userId, Ceremonies.encode(challenge)), clock.instant());
    }

    private static String challengeHash(String purpose, Long userId, String challenge) {
        return Secrets.sha256Hex(purpose + ' ' + (userId == null ? "-" : userId.toString()) + ' ' + challenge);
    }

    /**
     * The user handle the authenticator returned must be the owner's. A discoverable credential must return one
     * (WebAuthn L3 §7.2 step 6): it is how the user is found when nobody was named.
     */
    private boolean handleMatches(Passkey passkey, byte[] returned, boolean required) {
        if (returned == null || returned.length == 0) {
            return !required;
        }
        var stored = store.handleOf(passkey.userId(), Ceremonies.encode(secrets.bytes(32)));
        return Secrets.constantTimeEquals(stored, Ceremonies.encode(returned));
    }

    private AuthenticationDenied refused(Optional<User> user, String reason, String purpose, RequestContext request) {
        count("authenticate", "refused");
        audit.append(new AuditEvent(
                clock.instant(),
                "passkey_sign_in",
                user.map(User::id).orElse(null),
                user.map(User::username).orElse(""),
                "failure",
                purpose + ":" + reason,
                request.clientIp(),
                request.userAgent()));
        return new AuthenticationDenied(AuthenticationDenied.Reason.INVALID_CREDENTIALS);
    }

    private String bounded(String json, String operation) {
        if (json == null || json.isBlank()) {
            count(operation, "malformed");
            throw new InvalidInput("invalid_credential", "a credential is required");
        }
        if (json.length() > MAX_RESPONSE_CHARS) {
            count(operation, "malformed");
            throw new InvalidInput("invalid_credential", "the credential is too large");
        }
        return json;
    }

    private static String name(String name) {
        var label = name == null ? "" : name.strip();
        if (label.isEmpty()) {
            return "Passkey";
        }
        if (label.length() > MAX_NAME || label.codePoints().anyMatch(Character::isISOControl)) {
            throw new InvalidInput("invalid_name", "a passkey's name is at most 100 characters, without control codes");
        }
        return label;
    }

    private static NotFound noSuchPasskey() {
        return new NotFound("no_such_passkey", "you have no passkey with that id");
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

    private void count(String operation, String outcome) {
        meters.counter("latchkey.webauthn", "operation", operation, "outcome", outcome)
                .increment();
    }
}
