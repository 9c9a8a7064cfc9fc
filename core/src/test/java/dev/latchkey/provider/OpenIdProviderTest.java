package dev.latchkey.provider;

import static dev.latchkey.provider.ProviderFixture.CONTEXT;
import static dev.latchkey.provider.ProviderFixture.ISSUER;
import static dev.latchkey.provider.ProviderFixture.OTHER_REDIRECT;
import static dev.latchkey.provider.ProviderFixture.REDIRECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.latchkey.Latchkey;
import dev.latchkey.jwt.InvalidAccessToken;
import dev.latchkey.jwt.InvalidRefreshToken;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.testing.ManualScheduler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The code flow and every other grant on the provider's facade, with real keys, on a SQLite file. */
class OpenIdProviderTest {
    private ProviderFixture fx;
    private OpenIdProvider op;
    private Client app;
    private Client other;
    private long alice;
    private long bob;
    private String aliceSession;

    @BeforeEach
    void setUp() {
        fx = new ProviderFixture();
        op = fx.op;
        app = fx.confidential("Grafana").client();
        other = fx.confidential("GitLab").client();
        alice = fx.user("alice");
        bob = fx.user("bob");
        aliceSession = fx.signIn(alice);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    static void assertOAuth(ThrowingCallable call, String code) {
        assertThatThrownBy(call)
                .isInstanceOf(OAuthError.class)
                .satisfies(e -> assertThat(((OAuthError) e).code()).isEqualTo(code));
    }

    /** An ID token as a relying party checks it: Nimbus, the JWKS document, the issuer and this audience. */
    JWTClaimsSet verifiedIdToken(String idToken, String audience) throws Exception {
        var processor = new DefaultJWTProcessor<SecurityContext>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
                JWSAlgorithm.RS256,
                new ImmutableJWKSet<>(fx.latchkey.signingKeys().publicJwks())));
        processor.setJWTClaimsSetVerifier(
                new DefaultJWTClaimsVerifier<>(
                        audience,
                        new JWTClaimsSet.Builder().issuer(ISSUER).build(),
                        Set.of("sub", "iat", "exp", "auth_time")) {
                    @Override
                    protected Date currentTime() {
                        return Date.from(fx.clock.instant());
                    }
                });
        return processor.process(idToken, null);
    }

    static String atHash(String accessToken) throws Exception {
        var digest = MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
    }

    // --- the code flow and its tokens

    @Test
    void theCodeFlowAnswersAnIdTokenThatVerifiesAgainstTheJwks() throws Exception {
        var pkce = ProviderFixture.Pkce.create(fx.secrets);
        var request = op.parse(ProviderFixture.params(app, "openid email profile offline_access", pkce));
        var authTime = fx.clock.instant().minusSeconds(90);
        var code = op.issueCode(request, alice, aliceSession, authTime, List.of("pwd", "otp", "mfa"));
        assertThat(code)
                .startsWith(AuthorizationCodes.PREFIX)
                .doesNotContain("alice")
                .doesNotContain("nonce-1");
        fx.clock.advance(Duration.ofSeconds(3));

        var tokens = op.exchangeCode(app, code, REDIRECT, pkce.verifier(), CONTEXT);
        assertThat(tokens.scopes().toString()).isEqualTo("openid profile email offline_access");
        assertThat(tokens.refreshToken()).matches("lkr_[A-Za-z0-9_-]{43}");
        assertThat(tokens.expiresIn()).isEqualTo(300);
        assertThat(tokens.toString()).doesNotContain(tokens.accessToken()).doesNotContain(tokens.refreshToken());
        assertThat(tokens.body()).containsKeys("access_token", "refresh_token", "id_token", "expires_in", "scope");
        assertThat(tokens.body()).containsEntry("token_type", "Bearer");

        var jwt = SignedJWT.parse(tokens.idToken());
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(jwt.getHeader().getKeyID())
                .isEqualTo(fx.latchkey.signingKeys().signingKey().getKeyID());
        var id = verifiedIdToken(tokens.idToken(), app.id());
        var now = fx.clock.instant();
        assertThat(id.getIssuer()).isEqualTo(ISSUER);
        assertThat(id.getAudience()).containsExactly(app.id());
        assertThat(id.getStringClaim("azp")).isEqualTo(app.id());
        assertThat(id.getIssueTime().toInstant()).isEqualTo(now);
        assertThat(id.getExpirationTime().toInstant()).isEqualTo(now.plus(Duration.ofMinutes(5)));
        assertThat(id.getLongClaim("auth_time")).isEqualTo(authTime.getEpochSecond());
        assertThat(id.getStringClaim("nonce")).isEqualTo("nonce-1");
        assertThat(id.getStringListClaim("amr")).containsExactly("pwd", "otp", "mfa");
        assertThat(id.getStringClaim("acr")).isEqualTo("mfa");
        assertThat(id.getStringClaim("sid"))
                .matches("[A-Za-z0-9_-]{22}")
                .isNotEqualTo(aliceSession)
                .isEqualTo(op.tokens().subjects().sessionId(aliceSession));
        assertThat(id.getStringClaim("at_hash")).isEqualTo(atHash(tokens.accessToken()));
        assertThat(id.getStringClaim("email")).isEqualTo("alice@example.test");
        assertThat(id.getBooleanClaim("email_verified")).isTrue();
        assertThat(id.getStringClaim("preferred_username")).isEqualTo("alice");

        assertThatThrownBy(() -> verifiedIdToken(tokens.idToken(), other.id()))
                .as("a relying party that checks its audience refuses another's ID token")
                .isInstanceOf(com.nimbusds.jose.proc.BadJOSEException.class);
    }

    @Test
    void atHashUsesTheHashOfTheSigningAlgorithm() throws Exception {
        for (var algorithm : List.of(JWSAlgorithm.ES256, JWSAlgorithm.EdDSA)) {
            try (var elsewhere = new ProviderFixture(algorithm)) {
                var client = elsewhere.confidential("App").client();
                var tokens = elsewhere.tokens(client, elsewhere.user("carol"), null, "openid");
                var jwt = SignedJWT.parse(tokens.idToken());
                assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(algorithm);
                // OpenID Connect Core §3.1.3.6; Ed25519 hashes with SHA-512 (the OpenID errata for EdDSA).
                var hash = algorithm.equals(JWSAlgorithm.EdDSA) ? "SHA-512" : "SHA-256";
                var digest = MessageDigest.getInstance(hash)
                        .digest(tokens.accessToken().getBytes(StandardCharsets.US_ASCII));
                assertThat(jwt.getJWTClaimsSet().getStringClaim("at_hash"))
                        .isEqualTo(Base64.getUrlEncoder()
                                .withoutPadding()
                                .encodeToString(Arrays.copyOf(digest, digest.length / 2)));
                assertThat(elsewhere.op.verifyAccess(tokens.accessToken()).clientId())
                        .isEqualTo(client.id());
            }
        }
    }

    @Test
    void withoutASecondFactorTheAcrIsOneFactorAndWithoutANonceThereIsNone() throws Exception {
        var pkce = ProviderFixture.Pkce.create(fx.secrets);
        var params = new HashMap<>(ProviderFixture.params(app, "openid", pkce));
        params.remove("nonce");
        var code = op.issueCode(op.parse(params), alice, null, fx.clock.instant(), List.of("pwd"));
        var id = verifiedIdToken(
                op.exchangeCode(app, code, REDIRECT, pkce.verifier(), CONTEXT).idToken(), app.id());
        assertThat(id.getStringClaim("acr")).isEqualTo("1fa");
        assertThat(id.getClaims()).doesNotContainKeys("nonce", "sid", "email", "preferred_username", "name");
    }

    @Test
    void theSubjectIsStableOpaqueAndTheSameForEveryClient() throws Exception {
        var atApp = verifiedIdToken(fx.tokens(app, alice, null, "openid").idToken(), app.id())
                .getSubject();
        var atOther = verifiedIdToken(fx.tokens(other, alice, null, "openid").idToken(), other.id())
                .getSubject();
        var bobs = verifiedIdToken(fx.tokens(app, bob, null, "openid").idToken(), app.id())
                .getSubject();
        assertThat(atApp).matches("[A-Za-z0-9_-]{22}");
        assertThat(atApp)
                .as("public, not pairwise: Subjects has no sector, one sub per user")
                .isEqualTo(atOther);
        assertThat(atApp).isNotEqualTo(bobs);
        assertThat(atApp)
                .doesNotContain("alice")
                .isNotEqualTo(Long.toString(alice))
                .isNotEqualTo(Long.toHexString(alice))
                .isNotEqualTo(Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(Long.toString(alice).getBytes(StandardCharsets.UTF_8)));

        // Another instance with the same secret (another node, a restart) names alice the same way...
        var again = Latchkey.builder(fx.db.database())
                .clock(fx.clock)
                .scheduler(new ManualScheduler())
                .background(false)
                .instanceSecret(fx.instanceSecret)
                .argon2(new Argon2Settings(1024, 2, 1, 32))
                .openIdProvider(ISSUER)
                .build();
        assertThat(again.openIdProvider().orElseThrow().tokens().subjects().subject(alice))
                .isEqualTo(atApp);
        // ...and one with another secret does not.
        var elsewhere = Latchkey.builder(fx.db.database())
                .clock(fx.clock)
                .scheduler(new ManualScheduler())
                .background(false)
                .instanceSecret(fx.secrets.bytes(32))
                .argon2(new Argon2Settings(1024, 2, 1, 32))
                .openIdProvider(ISSUER)
                .build();
        assertThat(elsewhere.openIdProvider().orElseThrow().tokens().subjects().subject(alice))
                .isNotEqualTo(atApp);
    }

    @Test
    void theAccessTokenIsAnRfc9068JwtForTheClientThatLatchkeysOwnApiRefuses() throws Exception {
        var tokens = fx.tokens(app, alice, aliceSession, "openid email");
        var jwt = SignedJWT.parse(tokens.accessToken());
        assertThat(jwt.getHeader().getType()).isEqualTo(new JOSEObjectType("at+jwt"));
        var claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(ISSUER);
        assertThat(claims.getAudience()).containsExactly(app.id());
        assertThat(claims.getStringClaim("client_id")).isEqualTo(app.id());
        assertThat(claims.getStringClaim("scope")).isEqualTo("openid email");
        assertThat(claims.getSubject()).isEqualTo(op.tokens().subjects().subject(alice));
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(claims.getExpirationTime().toInstant())
                .isEqualTo(fx.clock.instant().plus(Duration.ofMinutes(5)));

        var access = op.verifyAccess(tokens.accessToken());
        assertThat(access.userId()).isEqualTo(alice);
        assertThat(access.clientId()).isEqualTo(app.id());
        assertThat(access.scopes().toString()).isEqualTo("openid email");
        assertThat(access.familyId()).isEqualTo(claims.getStringClaim("sid"));

        assertThatThrownBy(() -> fx.latchkey.tokenFamilies().verify(tokens.accessToken()))
                .as("an app's token does not act as the user on latchkey itself")
                .isInstanceOf(InvalidAccessToken.class);
        var own = fx.latchkey.tokenFamilies().obtain(alice, null);
        assertOAuth(() -> op.verifyAccess(own.access()), OAuthError.INVALID_TOKEN);
        assertOAuth(() -> op.verifyAccess(tokens.idToken()), OAuthError.INVALID_TOKEN);
    }

    @Test
    void userinfoSaysWhatTheScopesAllow() {
        var sub = op.tokens().subjects().subject(alice);
        assertThat(op.userInfo(
                        op.verifyAccess(fx.tokens(app, alice, null, "openid").accessToken())))
                .containsExactly(Map.entry("sub", sub));
        assertThat(op.userInfo(op.verifyAccess(
                        fx.tokens(app, alice, null, "openid profile").accessToken())))
                .containsOnlyKeys("sub", "preferred_username", "name")
                .containsEntry("preferred_username", "alice");
        assertThat(op.userInfo(op.verifyAccess(
                        fx.tokens(app, alice, null, "openid email").accessToken())))
                .containsOnlyKeys("sub", "email", "email_verified")
                .containsEntry("email", "alice@example.test")
                .containsEntry("email_verified", true);
        var withoutOpenid =
                op.verifyAccess(fx.tokens(app, alice, null, "email profile").accessToken());
        assertThatThrownBy(() -> op.userInfo(withoutOpenid))
                .isInstanceOf(OAuthError.class)
                .satisfies(e -> {
                    assertThat(((OAuthError) e).code()).isEqualTo("insufficient_scope");
                    assertThat(((OAuthError) e).status()).isEqualTo(403);
                });
        assertThat(fx.tokens(app, alice, null, "email profile").idToken())
                .as("no openid, no ID token")
                .isNull();
    }

    // --- codes

    @Test
    void aCodeWorksOnceAndItsReuseRevokesEverythingTheFirstUseIssued() {
        var flow = fx.authorize(app, alice, aliceSession, "openid offline_access");
        var first = fx.exchange(flow);
        assertThat(op.verifyAccess(first.accessToken()).userId()).isEqualTo(alice);

        assertOAuth(() -> fx.exchange(flow), OAuthError.INVALID_GRANT);

        assertOAuth(() -> op.verifyAccess(first.accessToken()), OAuthError.INVALID_TOKEN);
        assertThat(op.introspect(first.accessToken())).containsExactly(Map.entry("active", false));
        assertThat(op.introspect(first.refreshToken())).containsExactly(Map.entry("active", false));
        assertOAuth(() -> op.refresh(app, first.refreshToken(), null, CONTEXT), OAuthError.INVALID_GRANT);
        assertThat(fx.latchkey.audit().findRecentByUser(alice, OpenIdProvider.AUDIT_CODE_REUSE, 10))
                .singleElement()
                .satisfies(e -> assertThat(e.clientIp()).isEqualTo(CONTEXT.clientIp()));
        assertThat(fx.latchkey.meters().counter("latchkey.oidc.code_reuse").count())
                .isEqualTo(1.0);
        assertOAuth(() -> fx.exchange(flow), OAuthError.INVALID_GRANT);
    }

    @Test
    void aReuseThirtySecondsLaterStillRevokes() {
        var flow = fx.authorize(app, alice, null, "openid offline_access");
        var first = fx.exchange(flow);
        fx.clock.advance(Duration.ofSeconds(30));
        var refreshed = op.refresh(app, first.refreshToken(), null, CONTEXT);
        assertOAuth(() -> fx.exchange(flow), OAuthError.INVALID_GRANT);
        assertOAuth(() -> op.verifyAccess(refreshed.accessToken()), OAuthError.INVALID_TOKEN);
        assertOAuth(() -> op.refresh(app, refreshed.refreshToken(), null, CONTEXT), OAuthError.INVALID_GRANT);
    }

    @Test
    void aReuseAfterTheCodeExpiredStillRevokes() {
        var flow = fx.authorize(app, alice, null, "openid offline_access");
        fx.clock.advance(Duration.ofSeconds(50));
        var first = fx.exchange(flow);
        fx.clock.advance(Duration.ofSeconds(25));
        assertOAuth(() -> fx.exchange(flow), OAuthError.INVALID_GRANT);
        assertOAuth(() -> op.verifyAccess(first.accessToken()), OAuthError.INVALID_TOKEN);
        assertOAuth(() -> op.refresh(app, first.refreshToken(), null, CONTEXT), OAuthError.INVALID_GRANT);
        assertThat(fx.latchkey.audit().findRecentByUser(alice, OpenIdProvider.AUDIT_CODE_REUSE, 10))
                .hasSize(1);
    }

    @Test
    void aReuseOfARefusedCodeRevokesNothingElse() {
        var mine = fx.tokens(app, alice, null, "openid offline_access");
        var flow = fx.authorize(app, alice, null, "openid");
        fx.exchange(flow);
        assertOAuth(() -> fx.exchange(flow), OAuthError.INVALID_GRANT);
        assertThat(op.verifyAccess(mine.accessToken()).userId())
                .as("only the family of that code ends")
                .isEqualTo(alice);
    }

    @Test
    void aCodeExpiresAfterSixtySeconds() {
        var early = fx.authorize(app, alice, null, "openid");
        var late = fx.authorize(app, alice, null, "openid");
        fx.clock.advance(Duration.ofSeconds(59));
        assertThat(fx.exchange(early).accessToken()).isNotNull();
        fx.clock.advance(Duration.ofSeconds(1));
        assertOAuth(() -> fx.exchange(late), OAuthError.INVALID_GRANT);
        fx.clock.advance(Duration.ofDays(1));
        assertOAuth(() -> fx.exchange(late), OAuthError.INVALID_GRANT);
    }

    @Test
    void aCodeIsBoundToItsClientAndAnotherClientsTryDoesNotBurnIt() {
        var flow = fx.authorize(app, alice, null, "openid");
        assertOAuth(
                () -> op.exchangeCode(other, flow.code(), REDIRECT, flow.pkce().verifier(), CONTEXT),
                OAuthError.INVALID_GRANT);
        assertThat(fx.latchkey.audit().findRecentByUser(alice, OpenIdProvider.AUDIT_CODE_REUSE, 10))
                .isEmpty();
        assertThat(op.verifyAccess(fx.exchange(flow).accessToken()).clientId()).isEqualTo(app.id());
    }

    @Test
    void aCodeIsBoundToItsRedirectUri() {
        var flow = fx.authorize(app, alice, null, "openid");
        for (var uri :
                Arrays.asList(OTHER_REDIRECT, REDIRECT + "/", REDIRECT.toUpperCase(java.util.Locale.ROOT), "", null)) {
            assertOAuth(
                    () -> op.exchangeCode(app, flow.code(), uri, flow.pkce().verifier(), CONTEXT),
                    OAuthError.INVALID_GRANT);
        }
        assertThat(fx.exchange(flow).accessToken()).isNotNull();
    }

    @Test
    void aWrongPkceVerifierFailsAndLeavesTheCodeForItsHolder() {
        var flow = fx.authorize(app, alice, null, "openid");
        var other = ProviderFixture.Pkce.create(fx.secrets).verifier();
        for (var verifier : Arrays.asList(
                other,
                flow.pkce().challenge(),
                flow.pkce().verifier().substring(1),
                flow.pkce().verifier() + "x",
                "a".repeat(42),
                "a".repeat(129),
                flow.pkce().verifier().substring(1) + "+",
                flow.pkce().verifier().substring(1) + "é",
                "",
                null)) {
            assertOAuth(() -> op.exchangeCode(app, flow.code(), REDIRECT, verifier, CONTEXT), OAuthError.INVALID_GRANT);
        }
        assertThat(op.verifyAccess(fx.exchange(flow).accessToken()).userId())
                .as("RFC 7636: a wrong guess does not burn the right holder's code")
                .isEqualTo(alice);
    }

    @Test
    void aUserDeactivatedBeforeTheExchangeGetsNoTokens() {
        var flow = fx.authorize(app, alice, null, "openid");
        fx.latchkey.users().deactivate("alice");
        assertOAuth(() -> fx.exchange(flow), OAuthError.INVALID_GRANT);
    }

    // --- refresh

    @Test
    void offlineAccessIsNeededForARefreshToken() {
        var online = fx.tokens(app, alice, aliceSession, "openid email");
        assertThat(online.refreshToken()).isNull();
        assertThat(online.body()).doesNotContainKey("refresh_token");
        var offline = fx.tokens(app, alice, aliceSession, "openid offline_access");
        assertThat(offline.refreshToken()).isNotNull();

        fx.latchkey.sessions().end(aliceSession);
        assertOAuth(() -> op.verifyAccess(online.accessToken()), OAuthError.INVALID_TOKEN);
        assertThat(op.verifyAccess(offline.accessToken()).userId())
                .as("offline access outlives the browser session")
                .isEqualTo(alice);
        assertThat(op.refresh(app, offline.refreshToken(), null, CONTEXT).accessToken())
                .isNotNull();
    }

    @Test
    void aRefreshRotatesAndASpentTokenRevokesTheFamily() throws Exception {
        var first = fx.tokens(app, alice, null, "openid email offline_access");
        fx.clock.advance(Duration.ofMinutes(4));
        var second = op.refresh(app, first.refreshToken(), null, CONTEXT);
        assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken());
        assertThat(second.scopes().toString()).isEqualTo("openid email offline_access");
        var id = verifiedIdToken(second.idToken(), app.id());
        assertThat(id.getClaims()).doesNotContainKey("nonce");
        assertThat(id.getStringClaim("at_hash")).isEqualTo(atHash(second.accessToken()));
        assertThat(op.verifyAccess(second.accessToken()).familyId())
                .isEqualTo(op.verifyAccess(first.accessToken()).familyId());

        assertOAuth(() -> op.refresh(app, first.refreshToken(), null, CONTEXT), OAuthError.INVALID_GRANT);
        assertOAuth(() -> op.verifyAccess(second.accessToken()), OAuthError.INVALID_TOKEN);
        assertOAuth(() -> op.refresh(app, second.refreshToken(), null, CONTEXT), OAuthError.INVALID_GRANT);
    }

    @Test
    void aRefreshCannotWidenTheScopes() {
        var first = fx.tokens(app, alice, null, "openid offline_access");
        assertOAuth(() -> op.refresh(app, first.refreshToken(), "openid email", CONTEXT), OAuthError.INVALID_SCOPE);
        assertThat(op.refresh(app, first.refreshToken(), "openid", CONTEXT).accessToken())
                .as("the refused widening spent nothing")
                .isNotNull();
    }

    @Test
    void aRefreshTokenOfOneClientFailsForAnotherAndStaysGoodForItsOwn() {
        var first = fx.tokens(app, alice, null, "openid offline_access");
        assertOAuth(() -> op.refresh(other, first.refreshToken(), null, CONTEXT), OAuthError.INVALID_GRANT);
        assertThat(op.refresh(app, first.refreshToken(), null, CONTEXT).accessToken())
                .isNotNull();
    }

    @Test
    void latchkeysOwnRefreshRefusesAClientsFamilyAndTheProviderRefusesLatchkeysOwn() throws Exception {
        var delegated = fx.tokens(app, alice, null, "openid offline_access");
        var own = fx.latchkey.tokenFamilies().obtain(alice, null);
        assertThatThrownBy(() -> fx.latchkey.tokenFamilies().refresh(delegated.refreshToken(), CONTEXT))
                .isInstanceOf(InvalidRefreshToken.class);
        assertOAuth(() -> op.refresh(app, own.refresh(), null, CONTEXT), OAuthError.INVALID_GRANT);
        assertThat(op.introspect(own.refresh())).containsExactly(Map.entry("active", false));
        // Neither refusal spent anything.
        assertThat(op.refresh(app, delegated.refreshToken(), null, CONTEXT).accessToken())
                .isNotNull();
        assertThat(fx.latchkey.tokenFamilies().refresh(own.refresh(), CONTEXT).access())
                .isNotNull();
    }

    @Test
    void aGrantTheClientIsNotRegisteredForIsRefused() {
        assertOAuth(() -> op.clientCredentials(app), OAuthError.UNAUTHORIZED_CLIENT);
        var machine = fx.client(NewClient.confidential("Machine").withGrantTypes(Client.CLIENT_CREDENTIALS))
                .client();
        var flow = fx.authorize(app, alice, null, "openid");
        assertOAuth(
                () -> op.exchangeCode(
                        machine, flow.code(), REDIRECT, flow.pkce().verifier(), CONTEXT),
                OAuthError.UNAUTHORIZED_CLIENT);
        assertOAuth(() -> op.refresh(machine, "lkr_" + "A".repeat(43), null, CONTEXT), OAuthError.UNAUTHORIZED_CLIENT);
    }

    @Test
    void clientCredentialsGiveAClientItsOwnToken() {
        var machine = fx.client(NewClient.confidential("Machine").withGrantTypes(Client.CLIENT_CREDENTIALS))
                .client();
        var tokens = op.clientCredentials(machine);
        assertThat(tokens.refreshToken()).isNull();
        assertThat(tokens.idToken()).isNull();
        var access = op.verifyAccess(tokens.accessToken());
        assertThat(access.userId()).isNull();
        assertThat(access.subject()).isEqualTo(machine.id());
        assertThat(access.clientId()).isEqualTo(machine.id());
        assertThat(op.introspect(tokens.accessToken()))
                .containsEntry("active", true)
                .containsEntry("sub", machine.id())
                .doesNotContainKey("username");
        assertOAuth(() -> op.userInfo(access), "insufficient_scope");
        assertThatThrownBy(() ->
                        fx.client(NewClient.publicClient("SPA", REDIRECT).withGrantTypes(Client.CLIENT_CREDENTIALS)))
                .as("client_credentials is for confidential clients only")
                .isInstanceOf(dev.latchkey.error.InvalidInput.class);
    }

    // --- consent

    @Test
    void consentIsRememberedPerUserClientAndScopes() {
        var pkce = ProviderFixture.Pkce.create(fx.secrets);
        var openidEmail = op.parse(ProviderFixture.params(app, "openid email", pkce));
        var openidOnly = op.parse(ProviderFixture.params(app, "openid", pkce));
        var wider = op.parse(ProviderFixture.params(app, "openid email profile", pkce));
        assertThat(op.needsConsent(alice, openidEmail)).isTrue();

        op.grantConsent(alice, app, openidEmail.scopes(), CONTEXT);
        assertThat(op.needsConsent(alice, openidEmail)).isFalse();
        assertThat(op.needsConsent(alice, openidOnly)).isFalse();
        assertThat(op.needsConsent(alice, wider)).as("a wider scope asks again").isTrue();
        assertThat(op.needsConsent(bob, openidEmail)).as("per user").isTrue();
        assertThat(op.needsConsent(alice, op.parse(ProviderFixture.params(other, "openid", pkce))))
                .as("per client")
                .isTrue();
        var params = new HashMap<>(ProviderFixture.params(app, "openid", pkce));
        params.put("prompt", "consent");
        assertThat(op.needsConsent(alice, op.parse(params))).isTrue();

        op.grantConsent(alice, app, Scopes.parse("profile"), CONTEXT);
        assertThat(op.needsConsent(alice, wider))
                .as("what was allowed before is kept")
                .isFalse();
        assertThat(op.consents(alice))
                .singleElement()
                .satisfies(c -> assertThat(c.scopes().toString()).isEqualTo("openid profile email"));
        assertThat(fx.latchkey.audit().findRecentByUser(alice, OpenIdProvider.AUDIT_CONSENT, 10))
                .hasSize(2);
    }

    @Test
    void aFirstPartyClientNeedsNoConsent() {
        var own = fx.client(NewClient.confidential("Own", REDIRECT).asFirstParty())
                .client();
        var request = op.parse(ProviderFixture.params(own, "openid email", ProviderFixture.Pkce.create(fx.secrets)));
        assertThat(op.needsConsent(alice, request)).isFalse();
    }

    @Test
    void withdrawingConsentRevokesThatClientsTokensOfThatUserOnly() {
        op.grantConsent(alice, app, Scopes.parse("openid offline_access"), CONTEXT);
        op.grantConsent(alice, other, Scopes.parse("openid offline_access"), CONTEXT);
        var aliceApp = fx.tokens(app, alice, null, "openid offline_access");
        var aliceOther = fx.tokens(other, alice, null, "openid offline_access");
        var bobApp = fx.tokens(app, bob, null, "openid offline_access");

        assertThat(op.withdrawConsent(alice, app.id(), CONTEXT)).isTrue();
        assertOAuth(() -> op.refresh(app, aliceApp.refreshToken(), null, CONTEXT), OAuthError.INVALID_GRANT);
        assertOAuth(() -> op.verifyAccess(aliceApp.accessToken()), OAuthError.INVALID_TOKEN);
        assertThat(op.refresh(other, aliceOther.refreshToken(), null, CONTEXT).accessToken())
                .isNotNull();
        assertThat(op.refresh(app, bobApp.refreshToken(), null, CONTEXT).accessToken())
                .isNotNull();
        assertThat(op.consents(alice)).extracting(Consent::clientId).containsExactly(other.id());
        assertThat(fx.latchkey.audit().findRecentByUser(alice, OpenIdProvider.AUDIT_CONSENT_WITHDRAWN, 10))
                .hasSize(1);
        assertThat(op.withdrawConsent(alice, app.id(), CONTEXT)).isFalse();
    }

    // --- introspection, revocation, the end of users and clients

    @Test
    void introspectionSaysActiveForLiveTokensAndNothingMoreForOthers() {
        var tokens = fx.tokens(app, alice, null, "openid email offline_access");
        var sub = op.tokens().subjects().subject(alice);
        assertThat(op.introspect(tokens.accessToken()))
                .containsEntry("active", true)
                .containsEntry("token_type", "Bearer")
                .containsEntry("client_id", app.id())
                .containsEntry("scope", "openid email offline_access")
                .containsEntry("sub", sub)
                .containsEntry("iss", ISSUER)
                .containsEntry("username", "alice")
                .containsEntry(
                        "exp", fx.clock.instant().plus(Duration.ofMinutes(5)).getEpochSecond());
        assertThat(op.introspect(tokens.refreshToken()))
                .containsEntry("active", true)
                .containsEntry("token_type", "refresh_token")
                .containsEntry("client_id", app.id())
                .containsEntry("sub", sub);
        var inactive = Map.<String, Object>of("active", false);
        for (var token : Arrays.asList(
                null,
                "",
                "garbage",
                "lkr_" + "A".repeat(43),
                tokens.idToken(),
                tokens.accessToken() + "x",
                "x".repeat(100_000))) {
            assertThat(op.introspect(token)).isEqualTo(inactive);
        }
        fx.clock.advance(Duration.ofMinutes(6));
        assertThat(op.introspect(tokens.accessToken())).as("expired").isEqualTo(inactive);
        op.refresh(app, tokens.refreshToken(), null, CONTEXT);
        assertThat(op.introspect(tokens.refreshToken())).as("spent").isEqualTo(inactive);
    }

    @Test
    void aClientRevokesItsOwnTokensAndNoOneElses() {
        var mine = fx.tokens(app, alice, null, "openid offline_access");
        var theirs = fx.tokens(other, alice, null, "openid offline_access");
        op.revoke(app, theirs.refreshToken(), CONTEXT);
        op.revoke(app, theirs.accessToken(), CONTEXT);
        assertThat(op.verifyAccess(theirs.accessToken()).clientId()).isEqualTo(other.id());
        assertThat(op.introspect(theirs.refreshToken())).containsEntry("active", true);

        op.revoke(app, mine.refreshToken(), CONTEXT);
        assertOAuth(() -> op.verifyAccess(mine.accessToken()), OAuthError.INVALID_TOKEN);
        assertOAuth(() -> op.refresh(app, mine.refreshToken(), null, CONTEXT), OAuthError.INVALID_GRANT);

        op.revoke(other, theirs.accessToken(), CONTEXT);
        assertOAuth(() -> op.verifyAccess(theirs.accessToken()), OAuthError.INVALID_TOKEN);
        assertOAuth(() -> op.refresh(other, theirs.refreshToken(), null, CONTEXT), OAuthError.INVALID_GRANT);

        for (var junk : Arrays.asList(null, "", "junk", "lkr_" + "A".repeat(43), mine.refreshToken())) {
            op.revoke(app, junk, CONTEXT); // RFC 7009 §2.2: nothing to say, no error
        }
    }

    @Test
    void aDeactivatedUsersTokensStopAtOnce() {
        var tokens = fx.tokens(app, alice, aliceSession, "openid offline_access");
        var bobs = fx.tokens(app, bob, null, "openid offline_access");
        fx.latchkey.users().deactivate("alice");
        assertOAuth(() -> op.verifyAccess(tokens.accessToken()), OAuthError.INVALID_TOKEN);
        assertThat(op.introspect(tokens.accessToken())).containsEntry("active", false);
        assertThat(op.introspect(tokens.refreshToken())).containsEntry("active", false);
        assertOAuth(() -> op.refresh(app, tokens.refreshToken(), null, CONTEXT), OAuthError.INVALID_GRANT);
        fx.latchkey.users().activate("alice");
        assertOAuth(() -> op.verifyAccess(tokens.accessToken()), OAuthError.INVALID_TOKEN);
        assertThat(op.verifyAccess(bobs.accessToken()).userId()).isEqualTo(bob);
    }

    @Test
    void aDeletedClientsTokensStopAtOnce() {
        var machine = fx.client(NewClient.confidential("Machine", REDIRECT)
                        .withGrantTypes(Client.AUTHORIZATION_CODE, Client.CLIENT_CREDENTIALS))
                .client();
        op.grantConsent(alice, machine, Scopes.parse("openid"), CONTEXT);
        var tokens = fx.tokens(machine, alice, null, "openid offline_access");
        var own = op.clientCredentials(machine);
        var kept = fx.tokens(app, alice, null, "openid offline_access");
        fx.latchkey.clients().delete(machine.id(), CONTEXT);

        assertOAuth(() -> op.verifyAccess(tokens.accessToken()), OAuthError.INVALID_TOKEN);
        assertOAuth(() -> op.verifyAccess(own.accessToken()), OAuthError.INVALID_TOKEN);
        assertThat(op.introspect(tokens.refreshToken())).containsEntry("active", false);
        assertOAuth(() -> op.refresh(machine, tokens.refreshToken(), null, CONTEXT), OAuthError.INVALID_GRANT);
        assertThat(op.consents(alice)).isEmpty();
        assertThat(op.verifyAccess(kept.accessToken()).clientId()).isEqualTo(app.id());
    }
}
