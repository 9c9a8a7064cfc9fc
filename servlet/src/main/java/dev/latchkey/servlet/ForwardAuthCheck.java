package dev.latchkey.servlet;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Asks latchkey's forward-auth endpoint ({@code GET /auth/verify}) who a session cookie or API token belongs to, and
 * keeps the answer for a few seconds, by the SHA-256 of the credential (never the credential itself), so a page with
 * thirty requests costs one call. A sign-out reaches here within that time. When latchkey cannot be reached, an answer
 * still within its time is used; with none, the check fails closed ({@link Unreachable}).
 */
final class ForwardAuthCheck {
    private static final int MAX_ENTRIES = 10_000;

    private record Entry(Optional<LatchkeyPrincipal> principal, Instant until) {}

    private final URI verify;
    private final Duration ttl;
    private final Duration timeout;
    private final Clock clock;
    private final HttpClient http;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    ForwardAuthCheck(URI verify, Duration ttl, Duration timeout, Clock clock, HttpClient http) {
        this.verify = verify;
        this.ttl = ttl;
        this.timeout = timeout;
        this.clock = clock;
        this.http = http;
    }

    /** The user of these credentials (a {@code Cookie} header of latchkey's cookies, an {@code Authorization}). */
    Optional<LatchkeyPrincipal> check(String cookies, String authorization) throws InvalidCredentials, Unreachable {
        var key = sha256((cookies == null ? "" : cookies) + "\n" + (authorization == null ? "" : authorization));
        var now = clock.instant();
        var cached = cache.get(key);
        if (cached != null && now.isBefore(cached.until())) {
            return cached.principal();
        }
        var request = HttpRequest.newBuilder(verify)
                .timeout(timeout)
                .header("Accept", "application/json")
                .GET();
        if (cookies != null) {
            request.header("Cookie", cookies);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new Unreachable("latchkey did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted while asking latchkey", e);
        }
        Optional<LatchkeyPrincipal> principal;
        if (response.statusCode() == 200) {
            principal = Optional.of(principal(response));
        } else if (response.statusCode() == 401) {
            if (authorization != null) {
                throw new InvalidCredentials("the token is not valid");
            }
            principal = Optional.empty();
        } else {
            throw new Unreachable("latchkey answered " + response.statusCode(), null);
        }
        if (cache.size() >= MAX_ENTRIES) {
            cache.values().removeIf(e -> !now.isBefore(e.until()));
            if (cache.size() >= MAX_ENTRIES) {
                cache.clear();
            }
        }
        cache.put(key, new Entry(principal, now.plus(ttl)));
        return principal;
    }

    private static LatchkeyPrincipal principal(HttpResponse<String> response) throws Unreachable {
        var headers = response.headers();
        var id = headers.firstValue("X-Auth-User-Id")
                .orElseThrow(() -> new Unreachable("latchkey's answer has no X-Auth-User-Id", null));
        var groups = new ArrayList<String>();
        var listed = headers.firstValue("X-Auth-Groups").orElse("");
        if (!listed.isEmpty()) {
            // Each name is percent-encoded, commas included: split first, then decode.
            for (var part : listed.split(",", -1)) {
                groups.add(decode(part));
            }
        }
        Map<String, Object> claims;
        try {
            claims = JSONObjectUtils.parse(response.body());
        } catch (ParseException e) {
            claims = Map.of();
        }
        var name =
                headers.firstValue("X-Auth-User").map(ForwardAuthCheck::decode).orElse(null);
        return LatchkeyPrincipal.of(id, name, List.copyOf(groups), claims);
    }

    /** Percent-decoding only: latchkey leaves {@code +} as it is, which a form decoder would take for a space. */
    static String decode(String value) {
        return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
