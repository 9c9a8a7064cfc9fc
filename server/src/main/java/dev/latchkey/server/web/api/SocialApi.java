package dev.latchkey.server.web.api;

import dev.latchkey.auth.Credentials;
import dev.latchkey.auth.SignIn;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.error.NotFound;
import dev.latchkey.jwt.TokenFamilies;
import dev.latchkey.server.web.caller.ProviderFailures;
import dev.latchkey.server.web.http.Doc;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.server.web.http.Router;
import dev.latchkey.server.web.http.Schemas;
import dev.latchkey.singleuse.SingleUseStore;
import dev.latchkey.social.ProviderFailure;
import dev.latchkey.social.SocialDenied;
import dev.latchkey.social.SocialLogin;
import java.time.Clock;
import java.time.Duration;

/**
 * {@code POST /api/social/{provider}}, for SPAs and mobile apps that run the provider's redirect themselves and
 * post the code here: {@code {"code","redirect_uri","code_verifier"}} (and {@code "nonce"} when the app sent one)
 * answers a JWT pair. The {@code redirect_uri} must be one the provider's settings allow.
 */
public final class SocialApi {
    private static final int MAX_FIELD = 4096;

    private final SocialLogin social;
    private final TokenFamilies tokens;
    private final Clock clock;
    private final ProviderFailures failures;
    private final SignIn signIn;
    /** How long a code is remembered as used: longer than any provider lets a code live. */
    private static final Duration CODE_LIFETIME = Duration.ofMinutes(10);

    /**
     * Codes seen in the last ten minutes, on every node: a code is good once here even where a provider would exchange
     * it twice. The browser flow gets the same from its single-use state.
     */
    private final SingleUseStore usedCodes;

    public SocialApi(
            SocialLogin social,
            SignIn signIn,
            TokenFamilies tokens,
            SingleUseStore usedCodes,
            Clock clock,
            ProviderFailures failures) {
        this.usedCodes = usedCodes;
        this.signIn = signIn;
        this.failures = failures;
        this.social = social;
        this.tokens = tokens;
        this.clock = clock;
    }

    public void register(Router router) {
        router.add(
                "POST",
                "/api/social/{}",
                Policy.anyone().by(Policy.Proof.BODY),
                Doc.of("Exchange a provider's authorization code from an app for a JWT pair")
                        .param("provider", "A configured provider's name")
                        .json(Schemas.object(
                                "code*", Schemas.string(),
                                "redirect_uri*", Schemas.string(),
                                "code_verifier*", Schemas.string(),
                                "nonce", Schemas.string()))
                        .answers(200, "Signed in", Schemas.ref("TokenPair"))
                        .errors(401, 429, 502),
                this::exchange);
    }

    private void exchange(Exchange x, String name) {
        var provider = social.provider(name)
                .orElseThrow(() -> new NotFound("unknown_provider", "there is no sign-in provider named " + name));
        var body = x.jsonObject();
        var code = bounded(Requests.requiredString(body, "code"), "code");
        var redirectUri = bounded(Requests.requiredString(body, "redirect_uri"), "redirect_uri");
        var verifier = bounded(Requests.requiredString(body, "code_verifier"), "code_verifier");
        var nonce = Requests.optionalString(body, "nonce")
                .map(n -> bounded(n, "nonce"))
                .orElse(null);
        if (!provider.settings().redirectUris().contains(redirectUri)) {
            throw new InvalidInput("redirect_uri_not_allowed", "that redirect_uri is not allowed for " + name);
        }
        if (!usedCodes.firstUse("app_code", name + ' ' + code, clock.instant(), CODE_LIFETIME)) {
            throw new SocialDenied("this code has been used already");
        }
        dev.latchkey.auth.Authenticated authenticated;
        try {
            authenticated = signIn.verify(
                    x.client().context(),
                    new Credentials.SocialCode(name, code, redirectUri, verifier, nonce),
                    dev.latchkey.auth.Intent.of(dev.latchkey.auth.Intent.JWT));
        } catch (ProviderFailure e) {
            failures.count(e);
            throw e;
        }
        x.json(
                200,
                Views.tokenPair(tokens.obtain(authenticated.user().id(), null, authenticated.amr()), clock.instant()));
    }

    private static String bounded(String value, String field) {
        if (value.isEmpty() || value.length() > MAX_FIELD) {
            throw new InvalidInput("invalid_field", "\"" + field + "\" must be 1 to " + MAX_FIELD + " characters");
        }
        return value;
    }
}
