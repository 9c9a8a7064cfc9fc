package dev.latchkey.social;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * Calls to a provider, each bounded: a connect and a read timeout, and at most {@link #MAX_BODY} bytes read. Any
 * failure to get JSON back becomes a {@link ProviderFailure}; an error status is answered as it is, for the caller
 * to judge.
 */
final class ProviderHttp {
    static final int MAX_BODY = 256 * 1024;

    /** A provider's answer: its status and its body as JSON. */
    record Answer(int status, JsonNode body) {}

    private final String provider;
    private final HttpClient client;
    private final Duration timeout;
    private final ObjectMapper json;

    ProviderHttp(String provider, Duration timeout, ObjectMapper json) {
        this.provider = provider;
        this.timeout = timeout;
        this.json = json;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    Answer get(URI uri) {
        return send(HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/json")
                .GET()
                .build());
    }

    /** A GET with the user's access token (RFC 6750), for a provider's profile API. */
    Answer get(URI uri, String accessToken) {
        return send(HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + accessToken)
                .GET()
                .build());
    }

    /** Like {@link #get(URI, String)}, for an API that answers a JSON array (GitHub's email list). */
    Answer getList(URI uri, String accessToken) {
        return send(
                HttpRequest.newBuilder(uri)
                        .timeout(timeout)
                        .header("Accept", "application/json")
                        .header("Authorization", "Bearer " + accessToken)
                        .GET()
                        .build(),
                true);
    }

    /** client_secret_post: the client's credentials in the form, as GitHub, Naver and Facebook take them. */
    Answer postFormWithSecret(URI uri, Map<String, String> form, String clientId, String clientSecret) {
        var all = new java.util.LinkedHashMap<>(form);
        all.put("client_id", clientId);
        all.put("client_secret", clientSecret);
        var body = AuthorizationCode.encode(all);
        return send(HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/json")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    Answer postForm(URI uri, Map<String, String> form, String clientId, String clientSecret) {
        var body = AuthorizationCode.encode(form);
        // client_secret_basic, the default method of OAuth 2.0 and OIDC: both parts form-encoded first (RFC 6749
        // 2.3.1).
        var basic = Base64.getEncoder()
                .encodeToString((encode(clientId) + ":" + encode(clientSecret)).getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/json")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private Answer send(HttpRequest request) {
        return send(request, false);
    }

    private Answer send(HttpRequest request, boolean arrayAllowed) {
        HttpResponse<InputStream> response;
        byte[] bytes;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (var in = response.body()) {
                bytes = in.readNBytes(MAX_BODY + 1);
            }
        } catch (IOException e) {
            throw new ProviderFailure(
                    provider, "unreachable or too slow (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderFailure(provider, "the call was interrupted");
        }
        if (bytes.length > MAX_BODY) {
            throw new ProviderFailure(provider, "answered more than " + MAX_BODY + " bytes");
        }
        try {
            var node = json.readTree(bytes);
            if (node == null || !(node.isObject() || (arrayAllowed && node.isArray()))) {
                throw new ProviderFailure(
                        provider, "answered HTTP " + response.statusCode() + " without a JSON object");
            }
            return new Answer(response.statusCode(), node);
        } catch (JsonProcessingException e) {
            throw new ProviderFailure(
                    provider, "answered HTTP " + response.statusCode() + " with something that is not" + " JSON");
        } catch (IOException e) {
            throw new ProviderFailure(provider, "answered an unreadable body");
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
