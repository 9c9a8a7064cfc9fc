package dev.latchkey.server.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import dev.latchkey.server.web.ServerTest;
import org.junit.jupiter.api.Test;

class JwksEndpointTest extends ServerTest {
    @Test
    void publishesTheSigningKeysPublicHalvesOnlyAndCacheably() throws Exception {
        var response = server.client().get("/.well-known/jwks.json");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/jwk-set+json");
        assertThat(response.headers().firstValue("cache-control")).hasValue("public, max-age=300");
        var set = JWKSet.parse(response.body());
        assertThat(set.getKeys()).isNotEmpty().allSatisfy(k -> {
            assertThat(k.isPrivate()).isFalse();
            assertThat(k.getKeyID()).isNotBlank();
        });
        assertThat(response.body()).doesNotContain("\"d\":");
        var signing = server.latchkey().signingKeys().signingKey();
        assertThat(set.getKeyByKeyId(signing.getKeyID())).isNotNull();
    }

    @Test
    void aRotatedKeyIsPublishedBesideTheOldOne() throws Exception {
        var old = server.latchkey().signingKeys().signingKey().getKeyID();
        var rotated = server.latchkey().signingKeys().rotate().kid();
        var set = JWKSet.parse(server.client().get("/.well-known/jwks.json").body());
        assertThat(set.getKeys()).extracting(k -> k.getKeyID()).contains(old, rotated);
    }
}
