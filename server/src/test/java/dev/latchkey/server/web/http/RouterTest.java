package dev.latchkey.server.web.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RouterTest {
    private static final Router.Endpoint NOTHING = (x, p) -> {};
    private static final Router.Endpoint OTHER = (x, p) -> {};

    @Test
    void aLiteralRouteIsFoundWithItsEndpointPolicyAndTemplate() {
        var router = new Router().add("GET", "/api/me", Policy.signedIn(), NOTHING);
        var match = router.match("GET", "/api/me");
        assertThat(match.endpoint()).isSameAs(NOTHING);
        assertThat(match.policy()).isEqualTo(Policy.signedIn());
        assertThat(match.route()).isEqualTo("/api/me");
        assertThat(match.param()).isNull();
    }

    @Test
    void theVariablePartMatchesExactlyOneSegmentAndIsTheParameter() {
        var router = new Router().add("DELETE", "/api/tokens/{}", Policy.signedIn(), NOTHING);
        var match = router.match("DELETE", "/api/tokens/42");
        assertThat(match.endpoint()).isSameAs(NOTHING);
        assertThat(match.param()).isEqualTo("42");
        assertThat(match.route()).as("metrics name the route, not the id").isEqualTo("/api/tokens/{}");
        for (var path : new String[] {"/api/tokens/", "/api/tokens", "/api/tokens/4/2", "/api/tokens/42/"}) {
            assertThat(router.match("DELETE", path).endpoint()).as(path).isNull();
            assertThat(router.match("DELETE", path).allowed()).as(path).isEmpty();
        }
    }

    @Test
    void aPathIsTakenLiterallyNotAsARegularExpression() {
        var router = new Router()
                .add("GET", "/.well-known/jwks.json", Policy.anyone(), NOTHING)
                .add("GET", "/a.b/{}", Policy.anyone(), OTHER);
        assertThat(router.match("GET", "/.well-known/jwksXjson").endpoint()).isNull();
        assertThat(router.match("GET", "/aXb/1").endpoint()).isNull();
        assertThat(router.match("GET", "/a.b/1").endpoint()).isSameAs(OTHER);
    }

    @Test
    void aKnownPathWithAnotherMethodNamesTheMethodsItAllows() {
        var router = new Router()
                .add("GET", "/api/sessions", Policy.signedIn(), NOTHING)
                .add("DELETE", "/api/sessions", Policy.signedIn(), OTHER);
        var match = router.match("PUT", "/api/sessions");
        assertThat(match.endpoint()).isNull();
        assertThat(match.allowed()).containsExactly("GET", "HEAD", "DELETE");
        assertThat(router.match("DELETE", "/api/sessions").endpoint()).isSameAs(OTHER);
    }

    @Test
    void headIsAnsweredByTheGetRouteAndNothingElse() {
        var router = new Router()
                .add("GET", "/login", Policy.anyonePage(), NOTHING)
                .add("POST", "/logout", Policy.anyonePage(), OTHER);
        assertThat(router.match("HEAD", "/login").endpoint()).isSameAs(NOTHING);
        assertThat(router.match("HEAD", "/logout").endpoint()).isNull();
        assertThat(router.match("HEAD", "/logout").allowed()).containsExactly("POST");
    }

    @Test
    void anUnknownPathHasNoEndpointAndAllowsNothing() {
        var router = new Router().add("GET", "/api/me", Policy.signedIn(), NOTHING);
        var match = router.match("GET", "/api/you");
        assertThat(match.endpoint()).isNull();
        assertThat(match.allowed()).isEmpty();
        assertThat(match.route()).isNull();
    }

    @Test
    void everyRouteDeclaresItsPolicyAndIsListedInTheOrderRegistered() {
        assertThatThrownBy(() -> new Router().add("GET", "/x", null, NOTHING))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("policy");
        assertThatThrownBy(() -> new Router().add("GET", "/x", Policy.anyone(), null))
                .isInstanceOf(NullPointerException.class);
        var router =
                new Router().add("POST", "/b/{}", Policy.anyone(), NOTHING).add("GET", "/a", Policy.staff(), NOTHING);
        assertThat(router.routes())
                .extracting(Router.Route::method, Router.Route::template)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("POST", "/b/{}"),
                        org.assertj.core.groups.Tuple.tuple("GET", "/a"));
        assertThat(router.routes().get(1).policy()).isEqualTo(Policy.staff());
    }
}
