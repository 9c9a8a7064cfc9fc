package dev.latchkey.social;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.Latchkey;
import dev.latchkey.auth.AuthenticationDenied;
import dev.latchkey.auth.Authenticator;
import dev.latchkey.auth.Credentials;
import dev.latchkey.auth.SignIn;
import dev.latchkey.error.Conflict;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.request.RequestContext;
import dev.latchkey.testing.DatabaseTest;
import dev.latchkey.testing.TestDatabase;
import dev.latchkey.user.NewUser;
import dev.latchkey.user.User;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Who a provider identity signs in as, and linking, on SQLite and PostgreSQL. Sign-ins go the way production's do:
 * a {@link Credentials.SocialCode} through {@link SignIn}, each provider a {@link SocialBackend} in the chain, here
 * with providers that answer the identity a test gives them.
 */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class SocialAccountsTest extends DatabaseTest {
    private static final RequestContext CLIENT = new RequestContext("192.0.2.4", "test");
    private final AtomicReference<SocialIdentity> nextIdentity = new AtomicReference<>();
    private Latchkey latchkey;
    private SocialAccounts social;
    private SignIn signIn;

    SocialAccountsTest(TestDatabase.Kind kind) {
        super(kind);
    }

    @BeforeEach
    void setUp() {
        latchkey = Latchkey.builder(db.database())
                .argon2(new Argon2Settings(1024, 2, 1, 32))
                .build();
        social = latchkey.socialLogin().accounts();
        var chain = new Authenticator(
                List.of(SocialBackend.of(answering("idp"), social), SocialBackend.of(answering("other"), social)),
                latchkey.meters(),
                latchkey.clock());
        signIn = new SignIn(
                chain,
                latchkey.sessions(),
                latchkey.userStore(),
                latchkey.audit(),
                latchkey.throttle(),
                latchkey.clock(),
                latchkey.meters());
    }

    /** Signs in with the identity, as its provider's code would. */
    private User signIn(SocialIdentity identity) {
        nextIdentity.set(identity);
        var code = new Credentials.SocialCode(identity.provider(), "code", "https://app/cb", "verifier", null);
        return signIn.verify(CLIENT, code).user();
    }

    /** A provider that answers whatever identity the test set last. */
    private SocialProvider answering(String name) {
        return stub(name, nextIdentity::get);
    }

    private static SocialIdentity identity(String subject, String email, boolean verified) {
        return new SocialIdentity("idp", subject, email, verified, "Some One", Map.of("sub", subject));
    }

    @Test
    void theSameSubjectIsAlwaysTheSameUserAndANewOneGetsAUniqueUsername() {
        latchkey.users().create(NewUser.named("kim"), Optional.of("correct horse"));
        var first = signIn(identity("s1", "kim@idp.example", false));
        assertThat(first.username()).startsWith("kim-").isNotEqualTo("kim");
        assertThat(first.email()).as("unverified: not kept").isEmpty();
        assertThat(latchkey.users().find(first.username()).orElseThrow().lastLogin())
                .isNotNull();
        assertThat(latchkey.audit().findRecentByUser(first.id(), SignIn.AUDIT_KIND, 5))
                .singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("via_idp"));
        assertThat(signIn(identity("s1", "other@idp.example", true)).id()).isEqualTo(first.id());
        var nameOnly = signIn(new SocialIdentity("idp", "s2", "", false, "Lee Park", Map.of()));
        assertThat(nameOnly.username()).isEqualTo("Lee.Park");
        var nothing = signIn(new SocialIdentity("idp", "s3", "", false, "", Map.of()));
        assertThat(nothing.username()).isEqualTo("idp-user");
    }

    @Test
    void aVerifiedEmailLinksOnlyWhenExactlyOneUserHasIt() {
        var ann = latchkey.users().create(new NewUser("ann", "Ann@Example.com", false, false), Optional.empty());
        latchkey.users().setEmailVerified("ann", true);
        assertThat(signIn(identity("a1", "ann@example.com", true)).id()).isEqualTo(ann.id());
        assertThat(signIn(identity("a2", "ann@example.com", false)).id()).isNotEqualTo(ann.id());

        var twin1 = latchkey.users().create(new NewUser("twin1", "twin@example.com", false, false), Optional.empty());
        var twin2 = latchkey.users().create(new NewUser("twin2", "twin@example.com", false, false), Optional.empty());
        latchkey.users().setEmailVerified("twin1", true);
        latchkey.users().setEmailVerified("twin2", true);
        var ambiguous = signIn(identity("t1", "twin@example.com", true));
        assertThat(ambiguous.id()).as("two users have it: link to neither").isNotIn(twin1.id(), twin2.id());
        assertThat(ambiguous.username()).isEqualTo("twin");
    }

    @Test
    void aLocalEmailNobodyVerifiedIsNeverJoinedByAProvidersWord() {
        var imported = latchkey.users().create(new NewUser("imp", "imp@example.com", false, false), Optional.empty());
        var joined = signIn(identity("i1", "imp@example.com", true));
        assertThat(joined.id()).isNotEqualTo(imported.id());
        assertThat(joined.emailVerified())
                .as("the new user's email is the provider's, vouched for")
                .isTrue();
    }

    @Test
    void aProviderEmailWithControlCharactersIsDroppedNotFatal() {
        var user = signIn(identity("c1", "eve\u202e@example.com", true));
        assertThat(user.email()).isEmpty();
        assertThat(user.emailVerified()).isFalse();
        assertThat(user.username()).doesNotContain("\u202e");
    }

    @Test
    void aStaffAccountIsNeverJoinedByEmail() {
        var admin = latchkey.users().create(new NewUser("adm", "adm@example.com", true, false), Optional.empty());
        latchkey.users().setEmailVerified("adm", true);
        assertThat(signIn(identity("s9", "adm@example.com", true)).id()).isNotEqualTo(admin.id());
    }

    @Test
    void anInactiveUserIsRefusedAndLinksAndUnlinksFollowTheRules() {
        var bo = signIn(identity("b1", "bo@idp.example", true));
        assertThatThrownBy(
                        () -> social.unlink(bo, social.forUser(bo.id()).get(0).id(), CLIENT))
                .as("the last way to sign in")
                .isInstanceOf(InvalidInput.class);
        social.link(bo, new SocialIdentity("other", "o1", "", false, "", Map.of()), CLIENT);
        assertThat(social.forUser(bo.id())).hasSize(2);
        assertThat(social.unlink(bo, social.forUser(bo.id()).get(0).id(), CLIENT))
                .isTrue();

        var cy = latchkey.users().create(NewUser.named("cy"), Optional.of("correct horse"));
        assertThatThrownBy(() -> social.link(cy, new SocialIdentity("other", "o1", "", false, "", Map.of()), CLIENT))
                .isInstanceOf(Conflict.class);

        latchkey.users().deactivate(bo.username());
        assertThatThrownBy(() -> signIn(new SocialIdentity("other", "o1", "", false, "", Map.of())))
                .isInstanceOfSatisfying(
                        AuthenticationDenied.class,
                        e -> assertThat(e.reason()).isEqualTo(AuthenticationDenied.Reason.INACTIVE));
        assertThat(latchkey.audit().findRecentByUser(bo.id(), "social_link", 5)).hasSize(2);
    }

    @Test
    void aProviderBackendThatFailsIsContainedAndTheNextOneGetsItsTurn() {
        var failing = stub("idp", () -> {
            throw new ProviderFailure("idp", "unreachable or too slow (HttpTimeoutException)");
        });
        var broken = stub("idp", () -> {
            throw new IllegalStateException("a shape nobody expected");
        });
        var working = stub("idp", () -> identity("w1", "", false));
        var meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        var chain = new Authenticator(
                List.of(
                        new SocialBackend("social:idp-a", failing, social),
                        new SocialBackend("social:idp-b", broken, social),
                        new SocialBackend("social:idp-c", working, social)),
                meters,
                java.time.Clock.systemUTC());
        var code = new Credentials.SocialCode("idp", "c", "https://app/cb", "v", null);
        var result = chain.authenticate(CLIENT, code);
        assertThat(result.backend()).isEqualTo("social:idp-c");
        assertThat(meters.counter("latchkey.auth.backend.failures", "backend", "social:idp-a")
                        .count())
                .isEqualTo(1);
        assertThat(meters.counter("latchkey.auth.backend.failures", "backend", "social:idp-b")
                        .count())
                .isEqualTo(1);

        var alone = new Authenticator(
                List.of(new SocialBackend("social:idp-a", failing, social)), meters, java.time.Clock.systemUTC());
        assertThatThrownBy(() -> alone.authenticate(CLIENT, code))
                .as("a provider down is a 502, not a 401")
                .isInstanceOf(ProviderFailure.class);
        var other = new Credentials.SocialCode("another", "c", "https://app/cb", "v", null);
        assertThatThrownBy(() -> alone.authenticate(CLIENT, other)).isInstanceOf(AuthenticationDenied.class);
    }

    private static SocialProvider stub(String name, Supplier<SocialIdentity> exchange) {
        return new SocialProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public ProviderSettings settings() {
                return new ProviderSettings(
                        name,
                        "oidc",
                        null,
                        "c",
                        "s",
                        List.of(),
                        List.of(),
                        java.time.Duration.ofSeconds(1),
                        Map.of(),
                        false);
            }

            @Override
            public java.net.URI authorizationUri(String redirectUri, String state, String challenge, String nonce) {
                return java.net.URI.create("https://idp.example/authorize");
            }

            @Override
            public SocialIdentity exchange(String code, String redirectUri, String verifier, String nonce) {
                return exchange.get();
            }

            @Override
            public ProviderTokens refresh(String refreshToken) {
                throw new ProviderFailure(name, "no refresh here");
            }
        };
    }
}
