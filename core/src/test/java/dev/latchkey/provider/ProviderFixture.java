package dev.latchkey.provider;

import com.nimbusds.jose.JWSAlgorithm;
import dev.latchkey.Latchkey;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.jwt.JwtSettings;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.request.RequestContext;
import dev.latchkey.testing.ManualScheduler;
import dev.latchkey.testing.MutableClock;
import dev.latchkey.testing.TestDatabase;
import dev.latchkey.user.NewUser;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A latchkey with the OpenID Provider on, on a SQLite file of its own, with a clock the test moves and a scheduler
 * that runs nothing unless asked; and the steps of a code flow as a client and a signed-in user take them.
 */
final class ProviderFixture implements AutoCloseable {
    static final String ISSUER = "https://id.example.test";
    static final RequestContext CONTEXT = new RequestContext("203.0.113.7", "provider-test");
    static final String REDIRECT = "https://app.example.test/callback";
    static final String OTHER_REDIRECT = "https://app.example.test/other";

    final MutableClock clock = MutableClock.at("2026-03-01T08:00:00Z");
    final ManualScheduler scheduler = new ManualScheduler();
    final Secrets secrets = Secrets.create();
    final byte[] instanceSecret = secrets.bytes(32);
    final TestDatabase db = TestDatabase.sqlite();
    final Latchkey latchkey;
    final OpenIdProvider op;

    ProviderFixture() {
        this(JwtSettings.DEFAULT.algorithm());
    }

    /** With signing keys of this algorithm. */
    ProviderFixture(JWSAlgorithm algorithm) {
        latchkey = Latchkey.builder(db.database())
                .jwt(JwtSettings.DEFAULT.withAlgorithm(algorithm))
                .clock(clock)
                .secrets(secrets)
                .scheduler(scheduler)
                .background(false)
                .instanceSecret(instanceSecret)
                .argon2(new Argon2Settings(1024, 2, 1, 32))
                .openIdProvider(ISSUER)
                .build();
        op = latchkey.openIdProvider().orElseThrow();
    }

    @Override
    public void close() {
        latchkey.close();
        db.close();
    }

    /** A user with a verified email. */
    long user(String name) {
        var user = latchkey.users().create(new NewUser(name, name + "@example.test", false, false), Optional.empty());
        latchkey.users().setEmailVerified(name, true);
        return user.id();
    }

    IssuedClient client(NewClient client) {
        return latchkey.clients().create(client, CONTEXT);
    }

    IssuedClient confidential(String name) {
        return client(NewClient.confidential(name, REDIRECT, OTHER_REDIRECT));
    }

    /** A browser session signed in as the user; answers its id hash (what the provider records). */
    String signIn(long userId) {
        return latchkey.sessions().login(null, userId, CONTEXT).session().idHash();
    }

    /** A PKCE pair (RFC 7636 §4.1, §4.2), computed here rather than by the code under test. */
    record Pkce(String verifier, String challenge) {
        static Pkce create(Secrets secrets) {
            var verifier = secrets.urlSafeToken(32);
            return new Pkce(verifier, s256(verifier));
        }

        static String s256(String verifier) {
            try {
                var digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
                return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The parameters of a good authorization request. */
    static Map<String, String> params(Client client, String scope, Pkce pkce) {
        var params = new HashMap<String, String>();
        params.put("client_id", client.id());
        params.put("redirect_uri", REDIRECT);
        params.put("response_type", "code");
        params.put("scope", scope);
        params.put("state", "state-1");
        params.put("nonce", "nonce-1");
        params.put("code_challenge", pkce.challenge());
        params.put("code_challenge_method", "S256");
        return params;
    }

    /** A code flow up to the code: a parsed request for these scopes, the user's code for it. */
    Flow authorize(Client client, long userId, String sessionHash, String scope) {
        var pkce = Pkce.create(secrets);
        var request = op.parse(params(client, scope, pkce));
        var code = op.issueCode(request, userId, sessionHash, clock.instant(), List.of("pwd"));
        return new Flow(client, request, pkce, code, clock.instant());
    }

    /** Where a flow stands once the code is issued. */
    record Flow(Client client, AuthorizationRequest request, Pkce pkce, String code, Instant authTime) {}

    TokenResponse exchange(Flow flow) {
        return op.exchangeCode(flow.client(), flow.code(), REDIRECT, flow.pkce().verifier(), CONTEXT);
    }

    /** The tokens of a finished flow. */
    TokenResponse tokens(Client client, long userId, String sessionHash, String scope) {
        return exchange(authorize(client, userId, sessionHash, scope));
    }
}
