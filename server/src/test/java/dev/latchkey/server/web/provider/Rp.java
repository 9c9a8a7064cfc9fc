package dev.latchkey.server.web.provider;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.latchkey.server.web.TestClient;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a relying party does by hand, for tests that look at every byte: PKCE, URLs, pages' forms, JWT checks. */
final class Rp {
    private static final Pattern HIDDEN =
            Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]+|#x[0-9a-fA-F]+|amp|lt|gt|quot|apos);");

    private Rp() {}

    static String verifier(String seed) {
        var raw = (seed + "-verifier-0123456789-abcdefghijklmnopqrstuvwxyz").getBytes(StandardCharsets.UTF_8);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw).substring(0, 60);
    }

    static String challenge(String verifier) {
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A code-flow request's parameters, with PKCE from {@code verifier}. */
    static Map<String, String> request(String clientId, String redirectUri, String scope, String verifier) {
        var params = new LinkedHashMap<String, String>();
        params.put("response_type", "code");
        params.put("client_id", clientId);
        params.put("redirect_uri", redirectUri);
        params.put("scope", scope);
        params.put("state", "st-" + verifier.substring(0, 8));
        params.put("nonce", "n-" + verifier.substring(0, 8));
        params.put("code_challenge", challenge(verifier));
        params.put("code_challenge_method", "S256");
        return params;
    }

    static String query(Map<String, String> params) {
        var out = new StringBuilder();
        params.forEach((k, v) -> {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        return out.toString();
    }

    static String authorizeUrl(Map<String, String> params) {
        return "/oauth/authorize?" + query(params);
    }

    /** The parameters of a URL's query, decoded; a name given twice fails the test. */
    static Map<String, String> queryOf(String url) {
        var query = URI.create(url).getRawQuery();
        var params = new TreeMap<String, String>();
        if (query == null) {
            return params;
        }
        for (var pair : query.split("&", -1)) {
            var kv = pair.split("=", 2);
            var previous = params.put(
                    URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            if (previous != null) {
                throw new AssertionError("repeated parameter " + kv[0] + " in " + url);
            }
        }
        return params;
    }

    static String location(HttpResponse<String> response) {
        return response.headers()
                .firstValue("location")
                .orElseThrow(() -> new AssertionError("no Location: " + response.statusCode() + " " + response.body()));
    }

    /** The hidden fields of the page's (first) form, unescaped. */
    static Map<String, String> hiddenFields(String html) {
        var fields = new LinkedHashMap<String, String>();
        Matcher m = HIDDEN.matcher(html);
        while (m.find()) {
            fields.put(unescape(m.group(1)), unescape(m.group(2)));
        }
        return fields;
    }

    static String unescape(String html) {
        var m = ENTITY.matcher(html);
        var out = new StringBuilder();
        while (m.find()) {
            var e = m.group(1);
            String replacement = switch (e) {
                case "amp" -> "&";
                case "lt" -> "<";
                case "gt" -> ">";
                case "quot" -> "\"";
                case "apos" -> "'";
                default ->
                    new String(Character.toChars(
                            e.startsWith("#x")
                                    ? Integer.parseInt(e.substring(2), 16)
                                    : Integer.parseInt(e.substring(1))));
            };
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Follows the consent page: posts its form with this decision, answering the redirect back to the client. */
    static HttpResponse<String> decide(TestClient browser, HttpResponse<String> consentPage, String decision) {
        var fields = new LinkedHashMap<>(hiddenFields(consentPage.body()));
        fields.put("decision", decision);
        return browser.postForm("/oauth/authorize/consent", fields);
    }

    static String basic(String id, String secret) {
        var pair =
                URLEncoder.encode(id, StandardCharsets.UTF_8) + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /** The claims of a JWT this issuer signed for {@code audience}, verified as a relying party would. */
    static JWTClaimsSet verify(String jwt, String jwks, String issuer, String audience) throws Exception {
        var processor = new DefaultJWTProcessor<SecurityContext>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
                java.util.Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.EdDSA),
                new ImmutableJWKSet<>(JWKSet.parse(jwks))));
        processor.setJWSTypeVerifier((type, context) -> {});
        var claims = processor.process(jwt, null);
        if (!issuer.equals(claims.getIssuer()) || !claims.getAudience().contains(audience)) {
            throw new AssertionError("iss " + claims.getIssuer() + " aud " + claims.getAudience());
        }
        return claims;
    }

    /** The at_hash of an access token (OpenID Connect Core 3.1.3.6: the left half of the algorithm's hash). */
    static String atHash(String accessToken, String algorithm) throws Exception {
        var hash = algorithm.equals("EdDSA") || algorithm.endsWith("512") ? "SHA-512" : "SHA-256";
        var digest = MessageDigest.getInstance(hash).digest(accessToken.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(java.util.Arrays.copyOf(digest, digest.length / 2));
    }
}
