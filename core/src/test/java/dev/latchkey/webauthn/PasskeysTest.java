package dev.latchkey.webauthn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.Latchkey;
import dev.latchkey.audit.AuditEvent;
import dev.latchkey.auth.AuthenticationDenied;
import dev.latchkey.auth.Credentials;
import dev.latchkey.auth.SignIn;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.error.NotFound;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.request.RequestContext;
import dev.latchkey.testing.DatabaseTest;
import dev.latchkey.testing.MutableClock;
import dev.latchkey.testing.SoftwareAuthenticator;
import dev.latchkey.testing.TestDatabase;
import dev.latchkey.user.NewUser;
import dev.latchkey.user.User;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Registration, passwordless sign-in and second-factor proof with a software authenticator, on both databases. */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class PasskeysTest extends DatabaseTest {
    private static final String ORIGIN = "https://auth.example";
    private static final RequestContext FROM = new RequestContext("203.0.113.9", "Test");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final MutableClock clock = MutableClock.at("2026-12-01T10:00:00Z");
    private Latchkey latchkey;
    private Passkeys passkeys;
    private User alice;
    private User bob;

    PasskeysTest(TestDatabase.Kind kind) {
        super(kind);
    }

    @BeforeEach
    void setUp() {
        latchkey = Latchkey.builder(db.database())
                .clock(clock)
                .argon2(new Argon2Settings(1024, 1, 1, 32))
                .webauthn(WebAuthnSettings.forPublicUrl(java.net.URI.create(ORIGIN + "/"), List.of()))
                .build();
        passkeys = latchkey.passkeys().orElseThrow();
        alice = latchkey.users().create(NewUser.named("alice"), Optional.empty());
        bob = latchkey.users().create(NewUser.named("bob"), Optional.empty());
    }

    @AfterEach
    void tearDown() {
        latchkey.close();
    }

    private SoftwareAuthenticator registered(User user, SoftwareAuthenticator authenticator) {
        var options = passkeys.registrationOptions(user);
        passkeys.register(user, authenticator.register(options, ORIGIN), "Laptop", FROM);
        return authenticator;
    }

    private JsonNode passwordless() {
        return passkeys.authenticationOptions(null);
    }

    private User signIn(String assertion) {
        return latchkey.signIn()
                .verify(FROM, new Credentials.Passkey(assertion))
                .user();
    }

    private List<AuditEvent> events(User user, String kind) {
        return latchkey.audit().findRecentByUser(user.id(), kind, 50);
    }

    private double count(String operation, String outcome) {
        var counter = latchkey.meters()
                .find("latchkey.webauthn")
                .tags("operation", operation, "outcome", outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aRegisteredPasskeySignsInWithoutAPasswordAndProvesASecondFactor() {
        var options = passkeys.registrationOptions(alice);
        assertThat(options.get("attestation").asText()).isEqualTo("none");
        assertThat(options.get("rp").get("id").asText()).isEqualTo("auth.example");
        assertThat(options.get("authenticatorSelection").get("residentKey").asText())
                .isEqualTo("required");
        var handle = Base64.getUrlDecoder().decode(options.get("user").get("id").asText());
        assertThat(handle).hasSize(32);
        assertThat(passkeys.registrationOptions(alice).get("user").get("id"))
                .isEqualTo(options.get("user").get("id"));
        assertThat(passkeys.registrationOptions(bob).get("user").get("id"))
                .isNotEqualTo(options.get("user").get("id"));
        assertThat(Base64.getUrlDecoder().decode(options.get("challenge").asText()))
                .hasSize(32);
        var authenticator = new SoftwareAuthenticator();
        var passkey = passkeys.register(alice, authenticator.register(options, ORIGIN), " Laptop ", FROM);
        assertThat(passkey.name()).isEqualTo("Laptop");
        assertThat(passkey.credentialId()).isEqualTo(authenticator.credentialId());
        assertThat(passkey.transports()).containsExactly("internal");
        assertThat(passkey.backupEligible()).isFalse();
        assertThat(passkeys.enrolled(alice.id()))
                .singleElement()
                .satisfies(f -> assertThat(f.method()).isEqualTo("webauthn"));
        assertThat(events(alice, "passkey_added")).hasSize(1);

        var request = passwordless();
        assertThat(request.get("allowCredentials")).isEmpty();
        assertThat(request.get("userVerification").asText()).isEqualTo("required");
        assertThat(signIn(authenticator.assertion(request, ORIGIN)).id()).isEqualTo(alice.id());
        assertThat(events(alice, SignIn.AUDIT_KIND))
                .singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("via_passkey"));
        assertThat(latchkey.meters()
                        .counter("latchkey.signins", "method", "passkey", "outcome", "success")
                        .count())
                .isEqualTo(1);

        var secondStep = passkeys.authenticationOptions(alice);
        assertThat(secondStep.get("allowCredentials").get(0).get("id").asText())
                .isEqualTo(authenticator.credentialId());
        assertThat(passkeys.verify(alice, authenticator.assertion(secondStep, ORIGIN), FROM))
                .containsExactly("hwk", "user");
        var stored = passkeys.forUser(alice.id()).get(0);
        assertThat(stored.signCount()).isEqualTo(authenticator.counter() - 1);
        assertThat(stored.lastUsed()).isEqualTo(clock.instant());
        assertThat(events(alice, "passkey_sign_in"))
                .hasSize(2)
                .allSatisfy(e -> assertThat(e.outcome()).isEqualTo("success"));
        assertThat(count("authenticate", "success")).isEqualTo(2);
    }

    @Test
    void aSyncedPasskeyCountsAsASoftwareKey() {
        var synced = registered(
                alice,
                new SoftwareAuthenticator(
                        SoftwareAuthenticator.UP
                                | SoftwareAuthenticator.UV
                                | SoftwareAuthenticator.BE
                                | SoftwareAuthenticator.BS,
                        0));
        var options = passkeys.authenticationOptions(alice);
        var assertion = passkeys.authenticate(synced.assertion(options, ORIGIN), alice, FROM);
        assertThat(assertion.amr()).containsExactly("swk", "user");
        assertThat(assertion.multiFactor()).isTrue();
    }

    @Test
    void withoutUserVerificationAPasskeyIsASecondFactorButNoPasswordlessSignIn() {
        var presenceOnly = registered(alice, new SoftwareAuthenticator(SoftwareAuthenticator.UP, 1));
        assertThat(passkeys.verify(alice, presenceOnly.assertion(passkeys.authenticationOptions(alice), ORIGIN), FROM))
                .containsExactly("hwk");
        assertThatThrownBy(() -> signIn(presenceOnly.assertion(passwordless(), ORIGIN)))
                .isInstanceOf(AuthenticationDenied.class);
        assertThat(events(alice, "passkey_sign_in"))
                .anySatisfy(e -> assertThat(e.reason()).isEqualTo("sign_in:user_not_verified"));
    }

    @Test
    void wrongOriginRpIdTypeChallengeAndSignatureAreRefusedAndAudited() {
        var authenticator = registered(alice, new SoftwareAuthenticator());
        var cases = List.of(
                List.of("sign_in:wrong_origin", "origin"),
                List.of("sign_in:wrong_origin", "lookalike"),
                List.of("sign_in:wrong_rp_id", "rp"),
                List.of("sign_in:wrong_type", "type"),
                List.of("sign_in:unknown_challenge", "challenge"),
                List.of("sign_in:bad_signature", "signature"));
        for (var c : cases) {
            var ceremony = SoftwareAuthenticator.ceremony(passwordless(), ORIGIN, false);
            var tampered = switch (c.get(1)) {
                case "origin" -> ceremony.withOrigin("https://evil.example");
                case "lookalike" -> ceremony.withOrigin("https://auth.example.evil.example");
                case "rp" -> ceremony.withRpId("evil.example");
                case "type" -> ceremony.withType("webauthn.create");
                case "challenge" ->
                    ceremony.withChallenge(
                            Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]));
                default -> ceremony;
            };
            var assertion = authenticator.assertion(tampered, c.get(1).equals("signature"));
            assertThatThrownBy(() -> signIn(assertion)).as(c.get(1)).isInstanceOf(AuthenticationDenied.class);
            assertThat(events(alice, "passkey_sign_in"))
                    .as(c.get(1))
                    .anySatisfy(e -> assertThat(e.reason()).isEqualTo(c.get(0)));
        }
        assertThat(passkeys.forUser(alice.id()).get(0).lastUsed()).isNull();
        assertThat(count("authenticate", "refused")).isEqualTo(cases.size());
    }

    @Test
    void aChallengeWorksOnceAndForFiveMinutes() {
        var authenticator = registered(alice, new SoftwareAuthenticator());
        var assertion = authenticator.assertion(passwordless(), ORIGIN);
        signIn(assertion);
        assertThatThrownBy(() -> signIn(assertion)).isInstanceOf(AuthenticationDenied.class);

        var late = authenticator.assertion(passwordless(), ORIGIN);
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        assertThatThrownBy(() -> signIn(late)).isInstanceOf(AuthenticationDenied.class);
        assertThat(passkeys.purgeExpiredChallenges()).isEqualTo(1);

        var inTime = authenticator.assertion(passwordless(), ORIGIN);
        clock.advance(Duration.ofMinutes(4));
        assertThat(signIn(inTime).id()).isEqualTo(alice.id());
    }

    @Test
    void aChallengeServesOnlyWhatItWasIssuedFor() {
        var authenticator = registered(alice, new SoftwareAuthenticator());
        registered(bob, new SoftwareAuthenticator());
        // A second-factor challenge for alice signs nobody in without a password, nor proves bob's second step.
        var forAlice = passkeys.authenticationOptions(alice);
        assertThatThrownBy(() -> signIn(authenticator.assertion(forAlice, ORIGIN)))
                .isInstanceOf(AuthenticationDenied.class);
        assertThatThrownBy(() -> passkeys.verify(
                        bob, authenticator.assertion(passkeys.authenticationOptions(alice), ORIGIN), FROM))
                .isInstanceOf(AuthenticationDenied.class);
        // Alice's passkey answering a challenge issued for bob's second step does not pass as bob's.
        var forBob = passkeys.authenticationOptions(bob);
        assertThatThrownBy(() -> passkeys.verify(bob, authenticator.assertion(forBob, ORIGIN), FROM))
                .isInstanceOf(AuthenticationDenied.class);
        assertThat(events(bob, "passkey_sign_in"))
                .anySatisfy(e -> assertThat(e.reason()).isEqualTo("second_factor:other_users_credential"));
        // A registration challenge for bob registers nothing for alice.
        var bobsRegistration = passkeys.registrationOptions(bob);
        var json = new SoftwareAuthenticator().register(bobsRegistration, ORIGIN);
        assertThatThrownBy(() -> passkeys.register(alice, json, "", FROM))
                .isInstanceOfSatisfying(
                        InvalidInput.class, e -> assertThat(e.code()).isEqualTo("invalid_credential"));
    }

    @Test
    void aRegistrationFromTheWrongOriginRpIdOrTypeIsRefused() {
        var options = passkeys.registrationOptions(alice);
        var handle = options.get("user").get("id").asText();
        var ceremony = SoftwareAuthenticator.ceremony(options, ORIGIN, true);
        for (var bad : List.of(
                ceremony.withOrigin("https://evil.example"),
                ceremony.withRpId("evil.example"),
                ceremony.withType("webauthn.get"))) {
            var fresh = passkeys.registrationOptions(alice);
            var json = new SoftwareAuthenticator()
                    .register(bad.withChallenge(fresh.get("challenge").asText()), handle);
            assertThatThrownBy(() -> passkeys.register(alice, json, "x", FROM))
                    .as(bad.toString())
                    .isInstanceOfSatisfying(
                            InvalidInput.class, e -> assertThat(e.code()).isEqualTo("invalid_credential"));
        }
        assertThat(passkeys.forUser(alice.id())).isEmpty();
    }

    @Test
    void aSignatureCounterThatGoesBackIsRefusedAuditedAndCounted() {
        var authenticator =
                registered(alice, new SoftwareAuthenticator(SoftwareAuthenticator.UP | SoftwareAuthenticator.UV, 10));
        signIn(authenticator.assertion(passwordless(), ORIGIN));
        authenticator.counter(5);
        assertThatThrownBy(() -> signIn(authenticator.assertion(passwordless(), ORIGIN)))
                .isInstanceOf(AuthenticationDenied.class);
        assertThat(events(alice, "passkey_counter_regression")).hasSize(1);
        assertThat(count("authenticate", "counter_regression")).isEqualTo(1);
        assertThat(passkeys.forUser(alice.id()).get(0).signCount()).isEqualTo(11);
    }

    @Test
    void malformedOrHugeResponsesAreInvalidInputNeverAnythingElse() {
        var authenticator = registered(alice, new SoftwareAuthenticator());
        var good =
                (com.fasterxml.jackson.databind.node.ObjectNode) read(authenticator.assertion(passwordless(), ORIGIN));
        var hostile = new ArrayList<String>();
        hostile.add("x".repeat(1024 * 1024));
        hostile.add("{\"id\":\"" + "A".repeat(1024 * 1024) + "\"}");
        hostile.add("not json");
        hostile.add("[]");
        hostile.add("{}");
        hostile.add("null");
        hostile.add(with(good, "clientDataJSON", "%%%not base64url%%%"));
        hostile.add(with(good, "clientDataJSON", b64("{not json".getBytes(StandardCharsets.UTF_8))));
        hostile.add(with(good, "clientDataJSON", b64("[1,2]".getBytes(StandardCharsets.UTF_8))));
        hostile.add(with(good, "authenticatorData", b64(new byte[5])));
        hostile.add(with(good, "authenticatorData", "!!"));
        hostile.add(with(good, "signature", ""));
        hostile.add(good.toString().replace("\"public-key\"", "\"\u0000\""));
        for (int i = 0; i < hostile.size(); i++) {
            var input = hostile.get(i);
            // Each from an address of its own: malformed input costs the address's sign-in budget too.
            var from = new RequestContext("198.51.100." + (i + 1), "Test");
            assertThatThrownBy(() -> latchkey.signIn().verify(from, new Credentials.Passkey(input)))
                    .as(input.length() > 80 ? input.substring(0, 80) : input)
                    .isInstanceOfAny(InvalidInput.class, AuthenticationDenied.class)
                    .isInstanceOfSatisfying(
                            LatchkeyException.class, e -> assertThat(e.status()).isIn(400, 401));
        }
        var options = passkeys.registrationOptions(alice);
        var registration = (com.fasterxml.jackson.databind.node.ObjectNode)
                read(new SoftwareAuthenticator().register(options, ORIGIN));
        for (var input : List.of(
                with(registration, "attestationObject", b64(new byte[] {(byte) 0xbf, 0x61})),
                with(
                        registration,
                        "attestationObject",
                        b64(new SoftwareAuthenticator.Cbor()
                                .map(1)
                                .text("fmt")
                                .text("none")
                                .toBytes())),
                with(registration, "attestationObject", b64(new byte[] {(byte) 0x9b, -1, -1, -1, -1, -1, -1, -1, -1})),
                with(registration, "attestationObject", "***"),
                with(registration, "clientDataJSON", b64("{}".getBytes(StandardCharsets.UTF_8))),
                "x".repeat(1024 * 1024))) {
            assertThatThrownBy(() -> passkeys.register(alice, input, "x", FROM))
                    .isInstanceOfSatisfying(
                            InvalidInput.class, e -> assertThat(e.status()).isEqualTo(400));
        }
    }

    @Test
    void ofManyUsesOfOneAssertionAtOnceExactlyOneSignsIn() throws Exception {
        var authenticator = registered(alice, new SoftwareAuthenticator());
        var assertion = authenticator.assertion(passwordless(), ORIGIN);
        var start = new CountDownLatch(1);
        var pool = Executors.newFixedThreadPool(32);
        try {
            var results = new ArrayList<Future<Boolean>>();
            for (int i = 0; i < 32; i++) {
                Callable<Boolean> use = () -> {
                    start.await();
                    try {
                        passkeys.authenticate(assertion, null, FROM);
                        return true;
                    } catch (AuthenticationDenied e) {
                        return false;
                    }
                };
                results.add(pool.submit(use));
            }
            start.countDown();
            int won = 0;
            for (var result : results) {
                won += result.get() ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPasskeyIsRenamedAndRemovedByItsOwnerOnly() {
        registered(alice, new SoftwareAuthenticator());
        var id = passkeys.forUser(alice.id()).get(0).id();
        assertThatThrownBy(() -> passkeys.rename(bob, id, "mine", FROM)).isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> passkeys.remove(bob, id, FROM)).isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> passkeys.rename(alice, id, "a\u0007b", FROM)).isInstanceOf(InvalidInput.class);
        assertThatThrownBy(() -> passkeys.rename(alice, id, "x".repeat(101), FROM))
                .isInstanceOf(InvalidInput.class);
        passkeys.rename(alice, id, "Phone", FROM);
        assertThat(passkeys.forUser(alice.id()).get(0).name()).isEqualTo("Phone");
        passkeys.remove(alice, id, FROM);
        assertThat(passkeys.forUser(alice.id())).isEmpty();
        assertThat(events(alice, "passkey_removed")).hasSize(1);
    }

    @Test
    void theSamePasskeyCannotBeRegisteredTwice() {
        var authenticator = registered(alice, new SoftwareAuthenticator());
        var again = authenticator.register(passkeys.registrationOptions(alice), ORIGIN);
        assertThatThrownBy(() -> passkeys.register(alice, again, "", FROM))
                .isInstanceOfSatisfying(
                        LatchkeyException.class, e -> assertThat(e.status()).isEqualTo(409));
        assertThat(passkeys.registrationOptions(alice)
                        .get("excludeCredentials")
                        .get(0)
                        .get("id")
                        .asText())
                .isEqualTo(authenticator.credentialId());
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String with(com.fasterxml.jackson.databind.node.ObjectNode credential, String field, String value) {
        var copy = credential.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy.get("response")).put(field, value);
        return copy.toString();
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
