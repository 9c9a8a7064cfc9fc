package dev.latchkey.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.crypto.SecretBox;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.singleuse.SingleUseStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Authorization codes: sealed (AES-GCM under the instance secret) so that any node can read one, single use across
 * nodes through the {@link SingleUseStore}, and good for {@link #LIFETIME}. A code is bound to its client, redirect
 * URI, PKCE challenge and nonce; {@link #redeem} checks all of them, and the PKCE verifier, before the code counts as
 * used, so a wrong guess does not burn the right holder's code.
 *
 * <p>The token family a code's first use starts has an id derived from the code ({@link #familyOf}), so that a
 * second use can revoke what the first issued (RFC 6749 §4.1.2) without storing anything more.
 */
public final class AuthorizationCodes {
    public static final Duration LIFETIME = Duration.ofSeconds(60);
    public static final String PREFIX = "lkac_";
    private static final String PURPOSE = "oidc-code";
    private static final int MAX_LENGTH = 4096;

    private final SecretBox box;
    private final SingleUseStore singleUse;
    private final ObjectMapper json;
    private final Clock clock;

    public AuthorizationCodes(SecretBox box, SingleUseStore singleUse, ObjectMapper json, Clock clock) {
        this.box = box;
        this.singleUse = singleUse;
        this.json = json;
        this.clock = clock;
    }

    /** A new code for this grant. */
    public String issue(CodeGrant grant) {
        var fields = new LinkedHashMap<String, Object>();
        fields.put("c", grant.clientId());
        fields.put("r", grant.redirectUri());
        fields.put("p", grant.codeChallenge());
        fields.put("n", grant.nonce());
        fields.put("s", grant.scope());
        fields.put("u", grant.userId());
        fields.put("h", grant.sessionHash());
        fields.put("t", grant.authTime().getEpochSecond());
        fields.put("a", grant.amr());
        fields.put("e", grant.expires().getEpochSecond());
        try {
            return PREFIX + urlSafe(box.seal(json.writeValueAsString(fields), PURPOSE));
        } catch (IOException e) {
            throw new IllegalStateException("a code could not be written", e);
        }
    }

    /** What happens to a presented code. */
    public sealed interface Redemption {}

    /** The code is good, and now used. */
    public record Redeemed(CodeGrant grant) implements Redemption {}

    /** The code was used before: what its first use issued must be revoked. */
    public record Reused(CodeGrant grant) implements Redemption {}

    /**
     * Checks a code presented by {@code clientId} with {@code redirectUri} and the PKCE {@code verifier}, then uses
     * it. {@link OAuthError} {@code invalid_grant} for a code that is malformed, forged, expired, another client's,
     * for another redirect URI or with a wrong verifier (the code stays unused). A used code presented again is
     * {@link Reused}, expired or not, for as long as the store remembers its use (at least 30 s past its expiry).
     */
    public Redemption redeem(String code, String clientId, String redirectUri, String verifier) {
        var grant = open(code);
        if (!grant.clientId().equals(clientId)) {
            throw invalid("the code was issued to another client");
        }
        if (redirectUri == null || !Secrets.constantTimeEquals(grant.redirectUri(), redirectUri)) {
            throw invalid("redirect_uri differs from the authorization request's");
        }
        if (verifier == null || !verifier.matches("[A-Za-z0-9._~-]{43,128}")) {
            throw invalid("code_verifier is missing or malformed (43 to 128 characters)");
        }
        if (!Secrets.constantTimeEquals(s256(verifier), grant.codeChallenge())) {
            throw invalid("code_verifier does not match the code_challenge");
        }
        // Kept for a while past the code's expiry, and asked before the expiry is: a reuse after the code expired is
        // still a reuse, and revokes what the first use issued (RFC 6749 §4.1.2). An expired code that was never
        // used is marked used here, which changes nothing: it is refused either way.
        if (!singleUse.firstUse(PURPOSE, code, clock.instant(), LIFETIME.plusSeconds(30))) {
            return new Reused(grant);
        }
        if (!clock.instant().isBefore(grant.expires())) {
            throw invalid("the code has expired");
        }
        return new Redeemed(grant);
    }

    /** The id of the token family the first use of {@code code} starts (and a reuse revokes). */
    public static String familyOf(String code) {
        var digest = Secrets.sha256(("family of " + code).getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 16));
    }

    static String s256(String verifier) {
        var digest = Secrets.sha256(verifier.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    private CodeGrant open(String code) {
        if (code == null || !code.startsWith(PREFIX) || code.length() > MAX_LENGTH) {
            throw invalid("not an authorization code of this server");
        }
        String text;
        try {
            var sealed = code.substring(PREFIX.length());
            if (!Secrets.isUrlSafeToken(sealed, 0, sealed.length()) || !isCanonical(sealed)) {
                throw invalid("not an authorization code of this server");
            }
            text = box.open(standard(sealed), PURPOSE);
        } catch (RuntimeException e) {
            throw invalid("not an authorization code of this server");
        }
        try {
            var node = json.readTree(text);
            var amr = new java.util.ArrayList<String>();
            node.get("a").forEach(a -> amr.add(a.asText()));
            return new CodeGrant(
                    node.get("c").asText(),
                    node.get("r").asText(),
                    node.get("p").asText(),
                    node.get("n").isNull() ? null : node.get("n").asText(),
                    node.get("s").asText(),
                    node.get("u").asLong(),
                    node.get("h").isNull() ? null : node.get("h").asText(),
                    Instant.ofEpochSecond(node.get("t").asLong()),
                    List.copyOf(amr),
                    Instant.ofEpochSecond(node.get("e").asLong()));
        } catch (IOException | RuntimeException e) {
            throw invalid("not an authorization code of this server");
        }
    }

    /**
     * Whether this is the one encoding of its bytes. base64 leaves the low bits of a last character unused; the
     * decoder ignores them, so a code with them set opens to the same grant, yet is another string to the single-use
     * store and to {@link #familyOf}: a second redemption of one code that nobody would notice.
     */
    private static boolean isCanonical(String base64url) {
        var bytes = Base64.getUrlDecoder().decode(base64url);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(base64url);
    }

    private static OAuthError invalid(String why) {
        return new OAuthError(OAuthError.INVALID_GRANT, why);
    }

    /** The sealed box's base64 as base64url without padding: a code travels in URLs and forms unescaped. */
    private static String urlSafe(String base64) {
        return base64.replace('+', '-').replace('/', '_').replace("=", "");
    }

    private static String standard(String base64url) {
        var text = base64url.replace('-', '+').replace('_', '/');
        return text + "=".repeat((4 - text.length() % 4) % 4);
    }
}
