package dev.latchkey.server.web.api;

import dev.latchkey.jwt.SigningKeys;
import dev.latchkey.server.web.http.Doc;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.server.web.http.Router;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code GET /.well-known/jwks.json}: the public keys that may have signed a live token, so other services verify
 * latchkey's tokens without calling it. Public and cacheable for a few minutes; a rotated-in key is published before
 * any token it signs can be five minutes old only if verifiers re-fetch on an unknown {@code kid}, as they should.
 * Any origin may read it ({@code Access-Control-Allow-Origin: *}, without credentials), as for every public route.
 */
public final class JwksEndpoint {
    private final SigningKeys keys;

    public JwksEndpoint(SigningKeys keys) {
        this.keys = keys;
    }

    public void register(Router router) {
        router.add(
                "GET",
                "/.well-known/jwks.json",
                Policy.anyone().publicFor(Duration.ofMinutes(5)),
                Doc.of("The public JWT signing keys (RFC 7517)").answers(200, "A JWK set", "application/jwk-set+json"),
                (x, p) -> serve(x));
    }

    private void serve(Exchange x) {
        // JWKSet.toString() writes public keys only.
        x.send(200, "application/jwk-set+json", keys.publicJwks().toString().getBytes(StandardCharsets.UTF_8));
    }
}
