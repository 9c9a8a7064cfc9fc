package dev.latchkey.social;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.Latchkey;
import dev.latchkey.auth.AuthenticationDenied;
import dev.latchkey.request.RequestContext;
import dev.latchkey.error.Conflict;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.testing.DatabaseTest;
import dev.latchkey.testing.TestDatabase;
import dev.latchkey.user.NewUser;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Who a provider identity signs in as, and linking, on SQLite and PostgreSQL. */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class SocialLoginTest extends DatabaseTest {
    private static final RequestContext CLIENT = new RequestContext("192.0.2.4", "test");
    private Latchkey latchkey;
    private SocialLogin social;

    SocialLoginTest(TestDatabase.Kind kind) {
        super(kind);
    }

    @BeforeEach
    void setUp() {
        latchkey = Latchkey.builder(db.database()).argon2(new Argon2Settings(1024, 2, 1, 32)).build();
        social = latchkey.socialLogin();
    }

    private static SocialIdentity identity(String subject, String email, boolean verified) {
        return new SocialIdentity("idp", subject, email, verified, "Some One", Map.of("sub", subject));
    }

    @Test
    void theSameSubjectIsAlwaysTheSameUserAndANewOneGetsAUniqueUsername() {
        latchkey.users().create(NewUser.named("kim"), Optional.of("correct horse"));
        var first = social.signIn(identity("s1", "kim@idp.example", false), CLIENT);
        assertThat(first.username()).startsWith("kim-").isNotEqualTo("kim");
        assertThat(first.email()).as("unverified: not kept").isEmpty();
        assertThat(social.signIn(identity("s1", "other@idp.example", true), CLIENT).id()).isEqualTo(first.id());
        var nameOnly = social.signIn(new SocialIdentity("idp", "s2", "", false, "Lee Park", Map.of()), CLIENT);
        assertThat(nameOnly.username()).isEqualTo("Lee.Park");
        var nothing = social.signIn(new SocialIdentity("idp", "s3", "", false, "", Map.of()), CLIENT);
        assertThat(nothing.username()).isEqualTo("idp-user");
    }

    @Test
    void aVerifiedEmailLinksOnlyWhenExactlyOneUserHasIt() {
        var ann = latchkey.users().create(new NewUser("ann", "Ann@Example.com", false, false), Optional.empty());
        latchkey.users().setEmailVerified("ann", true);
        assertThat(social.signIn(identity("a1", "ann@example.com", true), CLIENT).id()).isEqualTo(ann.id());
        assertThat(social.signIn(identity("a2", "ann@example.com", false), CLIENT).id()).isNotEqualTo(ann.id());

        var twin1 = latchkey.users().create(new NewUser("twin1", "twin@example.com", false, false), Optional.empty());
        var twin2 = latchkey.users().create(new NewUser("twin2", "twin@example.com", false, false), Optional.empty());
        latchkey.users().setEmailVerified("twin1", true);
        latchkey.users().setEmailVerified("twin2", true);
        var ambiguous = social.signIn(identity("t1", "twin@example.com", true), CLIENT);
        assertThat(ambiguous.id()).as("two users have it: link to neither").isNotIn(twin1.id(), twin2.id());
        assertThat(ambiguous.username()).isEqualTo("twin");
    }

    @Test
    void aLocalEmailNobodyVerifiedIsNeverJoinedByAProvidersWord() {
        var imported = latchkey.users().create(new NewUser("imp", "imp@example.com", false, false), Optional.empty());
        var joined = social.signIn(identity("i1", "imp@example.com", true), CLIENT);
        assertThat(joined.id()).isNotEqualTo(imported.id());
        assertThat(joined.emailVerified()).as("the new user's email is the provider's, vouched for").isTrue();
    }

    @Test
    void aProviderEmailWithControlCharactersIsDroppedNotFatal() {
        var user = social.signIn(identity("c1", "eve\u202e@example.com", true), CLIENT);
        assertThat(user.email()).isEmpty();
        assertThat(user.emailVerified()).isFalse();
        assertThat(user.username()).doesNotContain("\u202e");
    }

    @Test
    void aStaffAccountIsNeverJoinedByEmail() {
        var admin = latchkey.users().create(new NewUser("adm", "adm@example.com", true, false), Optional.empty());
        latchkey.users().setEmailVerified("adm", true);
        assertThat(social.signIn(identity("s9", "adm@example.com", true), CLIENT).id()).isNotEqualTo(admin.id());
    }

    @Test
    void anInactiveUserIsRefusedAndLinksAndUnlinksFollowTheRules() {
        var bo = social.signIn(identity("b1", "bo@idp.example", true), CLIENT);
        assertThatThrownBy(() -> social.unlink(bo, social.accountsOf(bo.id()).get(0).id(), CLIENT))
                .as("the last way to sign in").isInstanceOf(InvalidInput.class);
        social.link(bo, new SocialIdentity("other", "o1", "", false, "", Map.of()), CLIENT);
        assertThat(social.accountsOf(bo.id())).hasSize(2);
        assertThat(social.unlink(bo, social.accountsOf(bo.id()).get(0).id(), CLIENT)).isTrue();

        var cy = latchkey.users().create(NewUser.named("cy"), Optional.of("correct horse"));
        assertThatThrownBy(() -> social.link(cy, new SocialIdentity("other", "o1", "", false, "", Map.of()), CLIENT))
                .isInstanceOf(Conflict.class);

        latchkey.users().deactivate(bo.username());
        assertThatThrownBy(() -> social.signIn(new SocialIdentity("other", "o1", "", false, "", Map.of()), CLIENT))
                .isInstanceOf(AuthenticationDenied.class);
        assertThat(latchkey.audit().recentFor(bo.id(), "social_link", 5)).hasSize(2);
    }

    @Test
    void aProviderBackendThatFailsIsContainedAndTheNextOneGetsItsTurn() {
        var failing = stub(() -> {
            throw new ProviderFailure("idp", "unreachable or too slow (HttpTimeoutException)");
        });
        var broken = stub(() -> {
            throw new IllegalStateException("a shape nobody expected");
        });
        var working = stub(() -> identity("w1", "", false));
        var meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        var chain = new dev.latchkey.auth.Authenticator(java.util.List.of(
                new SocialBackend("social:idp-a", failing, social), new SocialBackend("social:idp-b", broken, social),
                new SocialBackend("social:idp-c", working, social)), meters, java.time.Clock.systemUTC());
        var code = new dev.latchkey.auth.Credentials.SocialCode("idp", "c", "https://app/cb", "v", null);
        var result = chain.authenticate(CLIENT, code);
        assertThat(result.backend()).isEqualTo("social:idp-c");
        assertThat(meters.counter("latchkey.auth.backend.failures", "backend", "social:idp-a").count()).isEqualTo(1);
        assertThat(meters.counter("latchkey.auth.backend.failures", "backend", "social:idp-b").count()).isEqualTo(1);

        var alone = new dev.latchkey.auth.Authenticator(java.util.List.of(
                new SocialBackend("social:idp-a", failing, social)), meters, java.time.Clock.systemUTC());
        assertThatThrownBy(() -> alone.authenticate(CLIENT, code)).as("a provider down is a 502, not a 401")
                .isInstanceOf(ProviderFailure.class);
        var other = new dev.latchkey.auth.Credentials.SocialCode("another", "c", "https://app/cb", "v", null);
        assertThatThrownBy(() -> alone.authenticate(CLIENT, other)).isInstanceOf(AuthenticationDenied.class);
    }

    private static SocialProvider stub(java.util.function.Supplier<SocialIdentity> exchange) {
        return new SocialProvider() {
            @Override
            public String name() {
                return "idp";
            }

            @Override
            public ProviderSettings settings() {
                return new ProviderSettings("idp", "oidc", null, "c", "s", java.util.List.of(), java.util.List.of(),
                        java.time.Duration.ofSeconds(1), Map.of(), false);
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
                throw new ProviderFailure("idp", "no refresh here");
            }
        };
    }
}
