package dev.latchkey.provider;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditStore;
import dev.latchkey.jwt.Delegation;
import dev.latchkey.jwt.InvalidRefreshToken;
import dev.latchkey.jwt.TokenFamilies;
import dev.latchkey.jwt.TokenFamily;
import dev.latchkey.request.RequestContext;
import dev.latchkey.user.Groups;
import dev.latchkey.user.User;
import dev.latchkey.user.UserCache;
import io.micrometer.core.instrument.MeterRegistry;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * latchkey as an OpenID Provider: the decisions of the authorization and token endpoints, in one place, over the
 * machinery latchkey already has — its sessions are the provider's sessions, its signing keys sign, its token
 * families carry every refresh token and revocation. The web layer parses requests and renders answers; what is
 * allowed is decided here.
 */
public final class OpenIdProvider {
    public static final String AUDIT_CODE_REUSE = "oidc_code_reuse";
    public static final String AUDIT_CONSENT = "oidc_consent_granted";
    public static final String AUDIT_CONSENT_WITHDRAWN = "oidc_consent_withdrawn";

    private final String issuer;
    private final Clients clients;
    private final TokenFamilies families;
    private final ProviderTokens tokens;
    private final AuthorizationCodes codes;
    private final ConsentStore consents;
    private final LogoutStore logouts;
    private final UserCache users;
    private final Groups groups;
    private final AuditStore audit;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Duration accessLifetime;
    private final ClientAuthenticator clientAuthenticator;
    /** A family's user and client never change: remembered, so that a userinfo call reads no row while warm. */
    private final Cache<String, TokenFamily> familyCache = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(Duration.ofMinutes(10))
            .build();

    public OpenIdProvider(
            String issuer,
            Clients clients,
            TokenFamilies families,
            ProviderTokens tokens,
            AuthorizationCodes codes,
            ConsentStore consents,
            LogoutStore logouts,
            UserCache users,
            Groups groups,
            AuditStore audit,
            Clock clock,
            MeterRegistry meters,
            ClientAuthenticator clientAuthenticator) {
        this.issuer = issuer;
        this.clientAuthenticator = clientAuthenticator;
        this.clients = clients;
        this.families = families;
        this.tokens = tokens;
        this.codes = codes;
        this.consents = consents;
        this.logouts = logouts;
        this.users = users;
        this.groups = groups;
        this.audit = audit;
        this.clock = clock;
        this.meters = meters;
        this.accessLifetime = families.settings().accessLifetime();
    }

    /** {@code server.public_url}: the {@code iss} of everything the provider signs. */
    public String issuer() {
        return issuer;
    }

    public Clients clients() {
        return clients;
    }

    public ProviderTokens tokens() {
        return tokens;
    }

    // --- authorization endpoint

    public AuthorizationRequest parse(Map<String, String> params) {
        return AuthorizationRequest.parse(params, clients);
    }

    /** Whether the user must be asked before this client learns what it asks for. */
    public boolean needsConsent(long userId, AuthorizationRequest request) {
        if (request.client().firstParty()) {
            return false;
        }
        if (request.prompts("consent")) {
            return true;
        }
        var consent = consents.find(userId, request.client().id());
        return consent.isEmpty() || !consent.get().scopes().covers(request.scopes());
    }

    /** The user allowed the client these scopes (added to what they allowed it before). */
    public void grantConsent(long userId, Client client, Scopes scopes, RequestContext context) {
        var before = consents.find(userId, client.id()).map(Consent::scopes);
        consents.save(userId, client.id(), before.map(scopes::with).orElse(scopes), clock.instant());
        audit(AUDIT_CONSENT, userId, client.id(), context);
    }

    public List<Consent> consents(long userId) {
        return consents.forUser(userId);
    }

    /** Withdraws the user's consent for the client, and ends every token family issued to it for the user. */
    public boolean withdrawConsent(long userId, String clientId, RequestContext context) {
        boolean had = consents.delete(userId, clientId);
        families.revokeForClient(clientId, userId, AUDIT_CONSENT_WITHDRAWN);
        if (had) {
            audit(AUDIT_CONSENT_WITHDRAWN, userId, clientId, context);
        }
        return had;
    }

    /**
     * A code for a request the user has signed in for (and consented to); the session is recorded as signed in to the
     * client, so that its end is told to the client.
     */
    public String issueCode(
            AuthorizationRequest request, long userId, String sessionHash, Instant authTime, List<String> amr) {
        var now = clock.instant();
        if (sessionHash != null) {
            logouts.signedIn(sessionHash, request.client().id(), userId, now);
        }
        return codes.issue(new CodeGrant(
                request.client().id(),
                request.redirectUri(),
                request.codeChallenge(),
                request.nonce(),
                request.scopes().toString(),
                userId,
                sessionHash,
                authTime,
                amr,
                now.plus(AuthorizationCodes.LIFETIME)));
    }

    // --- token endpoint

    /**
     * The client that these credentials prove, for a call to {@code endpoint} (the absolute URL of the token,
     * revocation or introspection endpoint): see {@link ClientAuthenticator}.
     */
    public Client authenticateClient(ClientAuthenticator.Presented presented, String endpoint) {
        return clientAuthenticator.authenticate(presented, issuer, endpoint);
    }

    /**
     * Exchanges a code. A code used twice fails with {@code invalid_grant} and revokes the family its first use
     * started — access and refresh tokens alike — whether that first use has finished or not.
     */
    public TokenResponse exchangeCode(
            Client client, String code, String redirectUri, String verifier, RequestContext context) {
        requireGrant(client, Client.AUTHORIZATION_CODE);
        var redemption = codes.redeem(code, client.id(), redirectUri, verifier);
        var familyId = AuthorizationCodes.familyOf(code);
        if (redemption instanceof AuthorizationCodes.Reused reused) {
            throw reuse(familyId, reused.grant(), context);
        }
        var grant = ((AuthorizationCodes.Redeemed) redemption).grant();
        var user = activeUser(grant.userId());
        var scopes = Scopes.parse(grant.scope());
        boolean offline = scopes.has(Scopes.OFFLINE_ACCESS) && client.allows(Client.REFRESH_TOKEN);
        // Without offline_access the family belongs to the browser session: signing out there ends it. Its refresh
        // token is then not handed out, and the family only carries revocation for the access token.
        var pair = families.obtainDelegated(
                        familyId,
                        user.id(),
                        offline ? null : grant.sessionHash(),
                        grant.amr(),
                        delegation(grant),
                        tokens)
                // The family is there already: the code was used where this node's single-use store could not see
                // it (before a restart of an in-memory store, on a node that shares no store). A reuse all the same.
                .orElseThrow(() -> reuse(familyId, grant, context));
        // A family of the browser session is revoked when the session ends; one made after that end would outlive
        // it. Asked after the family exists, so that an end racing this exchange is caught one way or the other.
        if (!offline && grant.sessionHash() != null && !logouts.isSignedIn(grant.sessionHash(), client.id())) {
            families.revokeFamily(familyId, "session_ended", context);
            throw new OAuthError(OAuthError.INVALID_GRANT, "the sign-in that granted the code has ended");
        }
        var idToken = scopes.has(Scopes.OPENID)
                ? tokens.idToken(
                        new ProviderTokens.IdClaims(
                                user.id(),
                                client.id(),
                                grant.nonce(),
                                grant.authTime(),
                                grant.amr(),
                                grant.sessionHash(),
                                pair.access(),
                                userClaims(user, scopes, false)),
                        clock.instant().plus(accessLifetime))
                : null;
        issued(client, Client.AUTHORIZATION_CODE);
        return new TokenResponse(
                pair.access(), pair.accessLifetime().toSeconds(), offline ? pair.refresh() : null, idToken, scopes);
    }

    /** Revokes what the first use of a code issued, or makes sure it never will be, and answers the error. */
    private OAuthError reuse(String familyId, CodeGrant grant, RequestContext context) {
        meters.counter("latchkey.oidc.code_reuse").increment();
        families.forbid(familyId, grant.userId(), delegation(grant), AUDIT_CODE_REUSE, context);
        return new OAuthError(OAuthError.INVALID_GRANT, "the code was used already; what it issued is revoked");
    }

    /** Rotates a refresh token of this client's; reuse revokes the family (as for latchkey's own). */
    public TokenResponse refresh(Client client, String refreshToken, String scope, RequestContext context) {
        requireGrant(client, Client.REFRESH_TOKEN);
        var family = families.liveFamilyOf(refreshToken);
        if (family.isPresent() && scope != null && !scope.isEmpty()) {
            var granted = Scopes.parse(
                    family.get().delegation() == null
                            ? ""
                            : family.get().delegation().scope());
            if (!granted.covers(Scopes.parse(scope))) {
                throw new OAuthError(OAuthError.INVALID_SCOPE, "a refresh cannot widen the scopes granted");
            }
        }
        dev.latchkey.jwt.TokenPair pair;
        try {
            pair = families.refreshDelegated(refreshToken, client.id(), tokens, context);
        } catch (InvalidRefreshToken e) {
            throw new OAuthError(OAuthError.INVALID_GRANT, "the refresh token is not valid");
        }
        var issuedFamily = families.family(pair.family())
                .orElseThrow(() -> new OAuthError(OAuthError.INVALID_GRANT, "the refresh token is not valid"));
        var delegation = issuedFamily.delegation();
        var scopes = Scopes.parse(delegation.scope());
        var user = activeUser(issuedFamily.userId());
        var idToken = scopes.has(Scopes.OPENID)
                ? tokens.idToken(
                        new ProviderTokens.IdClaims(
                                user.id(),
                                client.id(),
                                null,
                                delegation.authTime(),
                                issuedFamily.amr(),
                                issuedFamily.sessionHash(),
                                pair.access(),
                                userClaims(user, scopes, false)),
                        clock.instant().plus(accessLifetime))
                : null;
        issued(client, Client.REFRESH_TOKEN);
        return new TokenResponse(pair.access(), pair.accessLifetime().toSeconds(), pair.refresh(), idToken, scopes);
    }

    /** A client's own access token, for a client registered for {@code client_credentials}. */
    public TokenResponse clientCredentials(Client client) {
        requireGrant(client, Client.CLIENT_CREDENTIALS);
        var expires = clock.instant().plus(accessLifetime);
        var access = tokens.clientAccess(client, Scopes.parse(""), expires);
        issued(client, Client.CLIENT_CREDENTIALS);
        return new TokenResponse(access, accessLifetime.toSeconds(), null, null, Scopes.parse(""));
    }

    // --- resource endpoints

    /**
     * What a valid access token of this provider says, checked against its family (revoked at once when the family
     * is), its client (deleted clients' tokens die with them) and its user (inactive users' tokens are refused).
     */
    public ProviderAccess verifyAccess(String token) {
        var claims = tokens.verify(token);
        try {
            var clientId = claims.getStringClaim("client_id");
            if (clients.find(clientId).isEmpty()) {
                throw ProviderTokens.invalidToken("its client is gone");
            }
            // Every token the provider signs is for the client it names (RFC 9068 §4: check the audience).
            if (!List.of(clientId).equals(claims.getAudience())) {
                throw ProviderTokens.invalidToken("its audience is not its client");
            }
            var scopes = Scopes.parse(claims.getStringClaim("scope"));
            var familyId = claims.getStringClaim("sid");
            var issued = claims.getIssueTime().toInstant();
            var expires = claims.getExpirationTime().toInstant();
            if (familyId == null) {
                if (!clientId.equals(claims.getSubject())) {
                    throw ProviderTokens.invalidToken("a client's token names another subject");
                }
                return new ProviderAccess(claims.getSubject(), null, clientId, scopes, null, issued, expires);
            }
            if (families.isRevoked(familyId)) {
                throw ProviderTokens.invalidToken("its token family was revoked");
            }
            var family = Optional.ofNullable(familyCache.getIfPresent(familyId))
                    .or(() -> families.family(familyId))
                    .orElseThrow(() -> ProviderTokens.invalidToken("its token family is gone"));
            familyCache.put(familyId, family);
            if (family.delegation() == null || !family.delegation().clientId().equals(clientId)) {
                throw ProviderTokens.invalidToken("its token family is another client's");
            }
            if (!family.isLiveAt(clock.instant())) {
                throw ProviderTokens.invalidToken("its token family has ended");
            }
            var user = users.find(family.userId()).filter(User::active);
            if (user.isEmpty()) {
                throw ProviderTokens.invalidToken("its user is inactive or gone");
            }
            return new ProviderAccess(
                    claims.getSubject(), family.userId(), clientId, scopes, familyId, issued, expires);
        } catch (ParseException | RuntimeException e) {
            if (e instanceof OAuthError error) {
                throw error;
            }
            throw ProviderTokens.invalidToken("claims of the wrong type");
        }
    }

    /** The UserInfo answer for a token that was issued with the {@code openid} scope. */
    public Map<String, Object> userInfo(ProviderAccess access) {
        if (access.userId() == null || !access.scopes().has(Scopes.OPENID)) {
            throw new OAuthError("insufficient_scope", 403, "userinfo needs a user's token with the openid scope");
        }
        var user = activeUser(access.userId());
        return userClaims(user, access.scopes(), true);
    }

    /**
     * RFC 7662 for an authenticated client: {@code {"active": false}} for anything that is not a live token of this
     * provider, whatever the reason (RFC 7662 §2.2 says no more).
     */
    public Map<String, Object> introspect(String token) {
        var inactive = Map.<String, Object>of("active", false);
        if (token == null || token.isEmpty()) {
            return inactive;
        }
        if (TokenFamilies.isWellFormedRefresh(token)) {
            var family = families.liveFamilyOf(token).filter(f -> f.delegation() != null);
            if (family.isEmpty()
                    || users.find(family.get().userId()).filter(User::active).isEmpty()) {
                return inactive;
            }
            var body = new LinkedHashMap<String, Object>();
            body.put("active", true);
            body.put("token_type", "refresh_token");
            body.put("client_id", family.get().delegation().clientId());
            body.put("scope", family.get().delegation().scope());
            body.put("sub", tokens.subjects().subject(family.get().userId()));
            body.put("iss", issuer);
            return body;
        }
        ProviderAccess access;
        try {
            access = verifyAccess(token);
        } catch (OAuthError e) {
            return inactive;
        }
        var body = new LinkedHashMap<String, Object>();
        body.put("active", true);
        body.put("token_type", "Bearer");
        body.put("client_id", access.clientId());
        body.put("scope", access.scopes().toString());
        body.put("sub", access.subject());
        body.put("aud", access.clientId());
        body.put("iss", issuer);
        body.put("iat", access.issued().getEpochSecond());
        body.put("exp", access.expires().getEpochSecond());
        if (access.userId() != null) {
            users.find(access.userId()).ifPresent(u -> body.put("username", u.username()));
        }
        return body;
    }

    /**
     * RFC 7009: ends a refresh token's family, or an access token's, when it is this client's; anything else is
     * ignored (the answer is 200 either way, so that it says nothing about tokens of others).
     */
    public void revoke(Client client, String token, RequestContext context) {
        if (token == null || token.isEmpty()) {
            return;
        }
        if (TokenFamilies.isWellFormedRefresh(token)) {
            families.liveFamilyOf(token)
                    .filter(f ->
                            f.delegation() != null && f.delegation().clientId().equals(client.id()))
                    .ifPresent(f -> families.revokeFamily(f.id(), "revoked_by_client", context));
            return;
        }
        try {
            var access = verifyAccess(token);
            if (access.clientId().equals(client.id()) && access.familyId() != null) {
                families.revokeFamily(access.familyId(), "revoked_by_client", context);
            }
        } catch (OAuthError e) {
            // not a live token of this provider: nothing to revoke
        }
    }

    // --- logout

    /**
     * Sessions ended (sign-out, "end all my sessions", a password change, a staff action, RP-initiated logout): every
     * client that a session signed in to and that registered a back-channel logout URI is owed a logout token, put in
     * the outbox here and sent in the background ({@link BackchannelLogout}), never in the request.
     */
    public void sessionsEnded(List<String> sessionHashes) {
        var now = clock.instant();
        for (var record : logouts.takeForSessions(sessionHashes)) {
            var client = clients.find(record.clientId());
            if (client.isEmpty() || client.get().backchannelLogoutUri() == null) {
                continue;
            }
            logouts.enqueue(
                    record.clientId(),
                    tokens.subjects().subject(record.userId()),
                    tokens.subjects().sessionId(record.sessionHash()),
                    now);
        }
    }

    /**
     * The client an {@code id_token_hint} was issued to, if it is an ID token this provider signed (expired or not:
     * RP-initiated logout comes after the ID token's lifetime, usually).
     */
    public Optional<String> clientOfIdToken(String idToken) {
        if (idToken == null || idToken.isEmpty() || idToken.length() > ProviderTokens.MAX_LENGTH) {
            return Optional.empty();
        }
        return tokens.verifyIdTokenHint(idToken)
                .map(JWTClaimsSet::getAudience)
                .flatMap(aud -> aud.size() == 1 ? Optional.of(aud.get(0)) : Optional.empty());
    }

    /** The claims of a user that these scopes allow, keyed by their OpenID Connect names. */
    Map<String, Object> userClaims(User user, Scopes scopes, boolean withSubject) {
        var claims = new LinkedHashMap<String, Object>();
        if (withSubject) {
            claims.put("sub", tokens.subjects().subject(user.id()));
        }
        if (scopes.has(Scopes.PROFILE)) {
            claims.put("preferred_username", user.username());
            claims.put("name", user.username());
        }
        if (scopes.has(Scopes.EMAIL) && !user.email().isEmpty()) {
            claims.put("email", user.email());
            claims.put("email_verified", user.emailVerified());
        }
        if (scopes.has(Scopes.GROUPS)) {
            claims.put("groups", List.copyOf(groups.of(user.id())));
        }
        return claims;
    }

    private User activeUser(long userId) {
        return users.find(userId)
                .filter(User::active)
                .orElseThrow(() -> new OAuthError(OAuthError.INVALID_GRANT, "the user is inactive or gone"));
    }

    private static Delegation delegation(CodeGrant grant) {
        return new Delegation(grant.clientId(), grant.scope(), grant.authTime());
    }

    private static void requireGrant(Client client, String grantType) {
        if (!client.allows(grantType)) {
            throw new OAuthError(OAuthError.UNAUTHORIZED_CLIENT, "this client may not use " + grantType);
        }
    }

    /** Counted, not audited: a refresh every few minutes per app would drown the trail in routine. */
    private void issued(Client client, String grantType) {
        meters.counter("latchkey.oidc.tokens", "grant_type", grantType, "client", client.id())
                .increment();
    }

    private void audit(String kind, long userId, String clientId, RequestContext context) {
        var username = users.find(userId).map(User::username).orElse("");
        audit.append(new AuditEvent(
                clock.instant(), kind, userId, username, "success", clientId, context.clientIp(), context.userAgent()));
    }
}
