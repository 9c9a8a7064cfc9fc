package dev.latchkey.server.web.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SafeRedirectTest {
    @Test
    void relativePathsOnThisSiteAreKept() {
        for (var next : new String[] {"/", "/account", "/a/b?c=d&e=%2F", "/caf%C3%A9", "/x#frag"}) {
            assertThat(SafeRedirect.of(next, "/")).isEqualTo(next);
        }
    }

    @Test
    void anythingThatCouldLeaveTheSiteBecomesTheFallback() {
        for (var next : new String[] {
            "//evil",
            "/\\evil",
            "\\\\evil",
            "https://evil",
            "http:evil",
            "javascript:alert(1)",
            "%2F%2Fevil",
            "%2f%2fevil",
            "/%2F/evil",
            "/%5Cevil",
            "%252F%252Fevil",
            "/%252F/evil",
            "/\n/evil",
            "/\t/evil",
            "/%09/evil",
            "/%0d%0a/evil",
            "evil",
            "",
            "%zz",
            "/" + "a".repeat(3000)
        }) {
            assertThat(SafeRedirect.of(next, "/")).as(next).isEqualTo("/");
        }
        assertThat(SafeRedirect.of(null, "/account")).isEqualTo("/account");
    }
}
