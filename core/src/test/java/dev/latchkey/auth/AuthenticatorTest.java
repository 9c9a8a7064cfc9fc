package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.request.RequestContext;
import dev.latchkey.testing.MutableClock;
import dev.latchkey.user.User;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
    private static final Credentials ALICE = new Credentials.Password("alice", "secret password");
    private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<String> asked = new ArrayList<>();

    @Test
    void aThrowingBackendIsContainedAndTheNextOneStillAuthenticates() {
        var chain = chain(
                backend("broken", c -> {
                    throw new IllegalStateException("provider answered a shape nobody expected");
                }),
                backend("working", c -> Optional.of(user(true))));

        var result = chain.authenticate(RequestContext.NONE, ALICE);

        assertThat(result.user().username()).isEqualTo("alice");
        assertThat(result.backend()).isEqualTo("working");
        assertThat(result.at()).isEqualTo(clock.instant());
        assertThat(asked).containsExactly("broken", "working");
        assertThat(meters.counter("latchkey.auth.backend.failures", "backend", "broken")
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void aDenyingBackendStopsTheChain() {
        var chain = chain(
                backend("deny", c -> {
                    throw new AuthenticationDenied(AuthenticationDenied.Reason.DENIED_BY_BACKEND);
                }),
                backend("never", c -> Optional.of(user(true))));

        assertThatThrownBy(() -> chain.authenticate(RequestContext.NONE, ALICE))
                .isInstanceOfSatisfying(
                        AuthenticationDenied.class,
                        d -> assertThat(d.reason()).isEqualTo(AuthenticationDenied.Reason.DENIED_BY_BACKEND));
        assertThat(asked).containsExactly("deny");
    }

    @Test
    void notMineGoesOnToTheNextBackend() {
        var chain = chain(backend("first", c -> Optional.empty()), backend("second", c -> Optional.of(user(true))));
        assertThat(chain.authenticate(RequestContext.NONE, ALICE).backend()).isEqualTo("second");
        assertThat(asked).containsExactly("first", "second");
    }

    @Test
    void anInactiveUserIsRefusedOnceInTheChain() {
        var chain =
                chain(backend("first", c -> Optional.of(user(false))), backend("second", c -> Optional.of(user(true))));

        assertThatThrownBy(() -> chain.authenticate(RequestContext.NONE, ALICE))
                .isInstanceOfSatisfying(AuthenticationDenied.class, d -> {
                    assertThat(d.reason()).isEqualTo(AuthenticationDenied.Reason.INACTIVE);
                    assertThat(d.code()).isEqualTo("invalid_credentials");
                    assertThat(d.detail()).isEqualTo("invalid username or password");
                });
        assertThat(asked).containsExactly("first");
    }

    @Test
    void noBackendAcceptingIsTheSameGenericRefusal() {
        var chain = chain(backend("only", c -> Optional.empty()));
        assertThatThrownBy(() -> chain.authenticate(RequestContext.NONE, ALICE))
                .isInstanceOfSatisfying(AuthenticationDenied.class, d -> {
                    assertThat(d.reason()).isEqualTo(AuthenticationDenied.Reason.INVALID_CREDENTIALS);
                    assertThat(d.status()).isEqualTo(401);
                    assertThat(d.detail()).isEqualTo("invalid username or password");
                });
    }

    @Test
    void credentialsNeverShowThePassword() {
        assertThat(ALICE.toString()).doesNotContain("secret").contains("alice");
    }

    private Authenticator chain(AuthenticationBackend... backends) {
        return new Authenticator(List.of(backends), meters, clock);
    }

    private AuthenticationBackend backend(String name, Function<Credentials, Optional<User>> answer) {
        return new AuthenticationBackend() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Optional<User> authenticate(RequestContext request, Credentials credentials) {
                asked.add(name);
                return answer.apply(credentials);
            }
        };
    }

    private static User user(boolean active) {
        return new User(1, "alice", "", active, false, false, Instant.EPOCH, null, false, null, false);
    }
}
