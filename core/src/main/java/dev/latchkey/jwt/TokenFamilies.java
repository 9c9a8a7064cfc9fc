package dev.latchkey.jwt;

import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditStore;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.request.RequestContext;
import dev.latchkey.user.User;
import dev.latchkey.user.UserCache;
import dev.latchkey.user.UserRevocation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * simplejwt's token pairs, with the two things simplejwt cannot do: take an issued token back, and notice a stolen
 * refresh token.
 *
 * <p>A sign-in starts a {@link TokenFamily}; its refresh token is exchanged for a new pair (the old one is spent in
 * the same statement that checks it is unspent, so of many concurrent exchanges exactly one wins). A spent token
 * presented again means two parties hold the family's tokens, and the server cannot tell which is the thief, so the
 * whole family is revoked and the event audited (RFC 9700 section 4.14). A revoked family's access tokens are refused
 * by the next request: every check consults {@link RevokedFamilies}, in memory.
 *
 * <p>Verified access tokens are cached until their {@code exp} ({@link VerifiedTokens}), which spares the signature
 * check on repeated use; revocation and the user are checked on every use, cached or not.
 */
public final class TokenFamilies implements UserRevocation {
    public static final String REFRESH_PREFIX = "lkr_";
    public static final String AUDIT_REUSE = "refresh_reuse";
    public static final String AUDIT_REVOKE = "token_family_revoked";
    private static final Logger log = LoggerFactory.getLogger(TokenFamilies.class);
    private static final int REFRESH_BYTES = 32;
    private static final int FAMILY_BYTES = 16;

    private final AccessTokens accessTokens;
    private final TokenFamilyStore store;
    private final RevokedFamilies revoked;
    private final UserCache users;
    private final AuditStore audit;
    private final Secrets secrets;
    private final Clock clock;
    private final JwtSettings settings;
    private final VerifiedTokens verified;
    private final Counter verifiedOk;
    private final Counter verifiedBad;
    private final Counter refreshed;
    private final Counter refusedRefresh;
    private final Counter reuses;

    /** @param revoked the revoked families of {@code store}, started by the caller ({@link RevokedFamilies#start}) */
    public TokenFamilies(
            AccessTokens accessTokens,
            TokenFamilyStore store,
            RevokedFamilies revoked,
            UserCache users,
            AuditStore audit,
            Secrets secrets,
            Clock clock,
            JwtSettings settings,
            MeterRegistry meters) {
        this.accessTokens = accessTokens;
        this.store = store;
        this.revoked = revoked;
        this.users = users;
        this.audit = audit;
        this.secrets = secrets;
        this.clock = clock;
        this.settings = settings;
        this.verified = new VerifiedTokens(accessTokens, clock);
        this.verifiedOk = meters.counter("latchkey.jwt.verifications", "outcome", "valid");
        this.verifiedBad = meters.counter("latchkey.jwt.verifications", "outcome", "invalid");
        this.refreshed = meters.counter("latchkey.jwt.refreshes", "outcome", "success");
        this.refusedRefresh = meters.counter("latchkey.jwt.refreshes", "outcome", "refused");
        this.reuses = meters.counter("latchkey.jwt.refresh_reuse");
    }

    public JwtSettings settings() {
        return settings;
    }

    /** A new family and its first pair, for a user who has just proven who they are. */
    public TokenPair obtain(long userId, String sessionHash) {
        return obtain(userId, sessionHash, List.of());
    }

    /** As {@link #obtain(long, String)}; {@code amr} (RFC 8176) goes into every access token of the family. */
    public TokenPair obtain(long userId, String sessionHash, List<String> amr) {
        var now = clock.instant();
        var family = new TokenFamily(
                secrets.urlSafeToken(FAMILY_BYTES),
                userId,
                sessionHash,
                now,
                now.plus(settings.familyLifetime()),
                null,
                amr);
        var refresh = newRefreshToken();
        var refreshExpires = refreshExpiry(family, now);
        store.insert(family, Secrets.sha256Hex(refresh), refreshExpires);
        return pair(family, refresh, refreshExpires, now, null);
    }

    /**
     * A new pair for an unspent refresh token of a live family; the token is spent. A spent one presented again
     * revokes its family. {@link InvalidRefreshToken} for anything that is not exchanged.
     */
    public TokenPair refresh(String token, RequestContext request) throws InvalidRefreshToken {
        return refresh(token, null, null, request);
    }

    /**
     * The first pair of a family issued to a client through the provider ({@code familyId} chosen by the caller, so
     * that a reused authorization code can name the family its first use made). Empty when a family with that id
     * exists or was {@link #forbid forbidden} already.
     */
    public Optional<TokenPair> obtainDelegated(
            String familyId,
            long userId,
            String sessionHash,
            List<String> amr,
            Delegation delegation,
            DelegatedAccess access) {
        var now = clock.instant();
        var family = new TokenFamily(
                familyId, userId, sessionHash, now, now.plus(settings.familyLifetime()), null, amr, delegation);
        var refresh = newRefreshToken();
        var refreshExpires = refreshExpiry(family, now);
        if (!store.insert(family, Secrets.sha256Hex(refresh), refreshExpires)) {
            return Optional.empty();
        }
        return Optional.of(pair(family, refresh, refreshExpires, now, access));
    }

    /**
     * As {@link #refresh(String, RequestContext)} for a family issued to {@code clientId}; a refresh token of another
     * client's family, or of latchkey's own, is refused unspent.
     */
    public TokenPair refreshDelegated(String token, String clientId, DelegatedAccess access, RequestContext request)
            throws InvalidRefreshToken {
        return refresh(token, java.util.Objects.requireNonNull(clientId), access, request);
    }

    /**
     * Makes sure family {@code familyId} is revoked, whether it exists yet or not (a reused authorization code may
     * arrive while its first use is still issuing); audited as {@code kind} when it ended a live family.
     */
    public void forbid(String familyId, long userId, Delegation delegation, String kind, RequestContext request) {
        var now = clock.instant();
        revoked.add(familyId, now);
        var family = new TokenFamily(familyId, userId, null, now, now, now, List.of(), delegation);
        if (store.forbid(family, now, kind)) {
            log.warn("family {} (user {}) revoked: {}", familyId, userId, kind);
        }
        audit.append(event(family, kind, "failure", "family_revoked", request));
    }

    /**
     * The live family of an unspent, unexpired refresh token, or empty (for introspection: nothing is spent, and a
     * spent token is only reported inactive, never treated as reuse).
     */
    public Optional<TokenFamily> liveFamilyOf(String refreshToken) {
        StoredRefreshToken stored;
        try {
            stored = find(refreshToken);
        } catch (InvalidRefreshToken e) {
            return Optional.empty();
        }
        var now = clock.instant();
        if (stored.spent() != null
                || !now.isBefore(stored.expires())
                || !stored.family().isLiveAt(now)) {
            return Optional.empty();
        }
        if (revoked.contains(stored.family().id())) {
            return Optional.empty();
        }
        return Optional.of(stored.family());
    }

    /** Revokes a family by its id (a client revoking its access token); false when it was not live. */
    public boolean revokeFamily(String familyId, String reason, RequestContext request) {
        var family = store.findFamily(familyId);
        if (family.isEmpty() || !revokeFamily(familyId, reason)) {
            return false;
        }
        audit.append(event(family.get(), AUDIT_REVOKE, "success", reason, request));
        return true;
    }

    /** The family with this id, live or not. */
    public Optional<TokenFamily> family(String familyId) {
        return store.findFamily(familyId);
    }

    /** Whether this family was revoked (in memory: every node hears of revocations within a second). */
    public boolean isRevoked(String familyId) {
        return revoked.contains(familyId);
    }

    /** Ends every live family issued to {@code clientId} (for one user, or all when {@code userId} is null). */
    public void revokeForClient(String clientId, Long userId, String reason) {
        var now = clock.instant();
        store.revokeForClient(clientId, userId, now, reason).forEach(id -> revoked.add(id, now));
    }

    private TokenPair refresh(String token, String clientId, DelegatedAccess access, RequestContext request)
            throws InvalidRefreshToken {
        try {
            var pair = exchange(token, clientId, access, request);
            refreshed.increment();
            return pair;
        } catch (InvalidRefreshToken e) {
            refusedRefresh.increment();
            throw e;
        }
    }

    private TokenPair exchange(String token, String clientId, DelegatedAccess access, RequestContext request)
            throws InvalidRefreshToken {
        var stored = find(token);
        var family = stored.family();
        var now = clock.instant();
        var owner = family.delegation() == null ? null : family.delegation().clientId();
        if (!java.util.Objects.equals(owner, clientId)) {
            // Checked before anything is spent: a token taken to the wrong door says nothing of who else holds it.
            throw new InvalidRefreshToken(owner == null ? "not a client's refresh token" : "issued to another client");
        }
        if (stored.spent() != null) {
            reuseDetected(family, request);
            throw new InvalidRefreshToken("spent");
        }
        if (!family.isLiveAt(now)) {
            throw new InvalidRefreshToken(family.revoked() != null ? "family revoked" : "family expired");
        }
        if (!now.isBefore(stored.expires())) {
            throw new InvalidRefreshToken("expired");
        }
        if (users.find(family.userId()).filter(User::active).isEmpty()) {
            throw new InvalidRefreshToken("user inactive or gone");
        }
        var next = newRefreshToken();
        var nextExpires = refreshExpiry(family, now);
        if (!store.exchange(stored.hash(), family.id(), now, Secrets.sha256Hex(next), nextExpires)) {
            // Lost a race: another exchange spent it a moment ago (a second holder), or the family was just revoked.
            var again = store.findRefreshByHash(stored.hash());
            if (again.isPresent() && again.get().spent() != null) {
                reuseDetected(family, request);
                throw new InvalidRefreshToken("spent concurrently");
            }
            throw new InvalidRefreshToken("revoked or expired meanwhile");
        }
        return pair(family, next, nextExpires, now, access);
    }

    /**
     * Revokes the family of this refresh token (spent or not), and with it every access token it issued. False when
     * the token names no family or its family was already revoked.
     */
    public boolean revoke(String refreshToken, RequestContext request) {
        StoredRefreshToken stored;
        try {
            stored = find(refreshToken);
        } catch (InvalidRefreshToken e) {
            return false;
        }
        var family = stored.family();
        if (!revokeFamily(family.id(), "revoked_by_client")) {
            return false;
        }
        audit.append(event(family, AUDIT_REVOKE, "success", "revoked_by_client", request));
        return true;
    }

    /**
     * What a valid access token of a live family of an active user says; {@link InvalidAccessToken} otherwise. The
     * user is checked here, not only in the chain, because {@code /api/jwt/verify} answers from this alone, and a
     * user can become inactive or be deleted without a revocation (a Django re-import, a row removed by hand). It
     * costs a {@link UserCache} hit while warm.
     */
    public AccessToken verify(String token) throws InvalidAccessToken {
        if (token == null || token.length() > AccessTokens.MAX_LENGTH) {
            verifiedBad.increment();
            throw new InvalidAccessToken("missing or longer than " + AccessTokens.MAX_LENGTH + " characters");
        }
        AccessToken access;
        try {
            access = verified.verify(token);
        } catch (InvalidAccessToken e) {
            verifiedBad.increment();
            throw e;
        }
        if (revoked.contains(access.family())) {
            verifiedBad.increment();
            throw new InvalidAccessToken("its token family was revoked");
        }
        var user = users.find(access.userId());
        if (user.isEmpty() || !user.get().active()) {
            verifiedBad.increment();
            throw new InvalidAccessToken(user.isEmpty() ? "its user is gone" : "its user is inactive");
        }
        verifiedOk.increment();
        return access;
    }

    /** Password change, deactivation: every family of the user ends now. */
    @Override
    public void revokeAll(long userId) {
        var now = clock.instant();
        store.revokeForUser(userId, now, "user_revoked").forEach(id -> revoked.add(id, now));
    }

    /** Sign-out: the families that these sessions asked for end with them. */
    public void sessionsEnded(List<String> sessionHashes) {
        var now = clock.instant();
        store.revokeForSessions(sessionHashes, now, "signed_out").forEach(id -> revoked.add(id, now));
    }

    /**
     * Deletes families and refresh tokens that can no longer matter; answers how many rows went. A revoked family
     * stays for {@link RevokedFamilies#REMEMBER}, so that a start within that time loads its revocation.
     */
    public int purgeEnded() {
        return store.deleteExpired(clock.instant(), RevokedFamilies.REMEMBER);
    }

    /** {@code lkr_} and 43 base64url characters: the only shape a refresh token has. */
    public static boolean isWellFormedRefresh(String token) {
        return token != null
                && token.startsWith(REFRESH_PREFIX)
                && Secrets.isUrlSafeToken(token, REFRESH_PREFIX.length(), 43);
    }

    private StoredRefreshToken find(String token) throws InvalidRefreshToken {
        if (!isWellFormedRefresh(token)) {
            throw new InvalidRefreshToken("malformed");
        }
        return store.findRefreshByHash(Secrets.sha256Hex(token)).orElseThrow(() -> new InvalidRefreshToken("unknown"));
    }

    private void reuseDetected(TokenFamily family, RequestContext request) {
        reuses.increment();
        if (revokeFamily(family.id(), AUDIT_REUSE)) {
            log.warn(
                    "a spent refresh token of family {} (user {}) was presented again; the family is revoked",
                    family.id(),
                    family.userId());
        }
        audit.append(event(family, AUDIT_REUSE, "failure", "family_revoked", request));
    }

    private boolean revokeFamily(String familyId, String reason) {
        var now = clock.instant();
        // Remembered here even when another call revoked it first: that one may have run in another process.
        revoked.add(familyId, now);
        return store.revoke(familyId, now, reason);
    }

    private AuditEvent event(TokenFamily family, String kind, String outcome, String reason, RequestContext request) {
        var username = users.find(family.userId()).map(User::username).orElse("");
        return new AuditEvent(
                clock.instant(),
                kind,
                family.userId(),
                username,
                outcome,
                reason,
                request.clientIp(),
                request.userAgent());
    }

    private TokenPair pair(
            TokenFamily family, String refresh, Instant refreshExpires, Instant now, DelegatedAccess delegated) {
        var accessExpires = earlier(now.plus(settings.accessLifetime()), family.expires());
        var access = family.delegation() == null
                ? accessTokens.issue(family.userId(), family.id(), accessExpires, family.amr())
                : delegated.issue(family, accessExpires);
        return new TokenPair(access, refresh, Duration.between(now, accessExpires), refreshExpires, family.id());
    }

    private Instant refreshExpiry(TokenFamily family, Instant now) {
        return earlier(now.plus(settings.refreshLifetime()), family.expires());
    }

    private String newRefreshToken() {
        return REFRESH_PREFIX + secrets.urlSafeToken(REFRESH_BYTES);
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
