package dev.latchkey.bench.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How long a change made on one node takes to hold on another: a sign-out on node A until node B refuses the
 * session, and a token-family revocation on A until B refuses its access token. Each round warms B's caches first
 * (B has just answered 200), then makes the change on A, then asks B without pause until it refuses; the time from
 * A's answer to B's first refusal is one sample (it includes one request to B, about a millisecond).
 *
 * <p>Usage: {@code Propagation NODE_A_URL NODE_B_URL USERNAME PASSWORD ROUNDS}; prints one line per kind:
 * {@code kind p50_ms p99_ms max_ms rounds}.
 */
public final class Propagation {
    private static final Pattern FIELD = Pattern.compile("\"%s\"\\s*:\\s*\"([^\"]*)\"");
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI a;
    private final URI b;
    private final String credentials;

    private Propagation(URI a, URI b, String username, String password) {
        this.a = a;
        this.b = b;
        this.credentials = "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}";
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: Propagation NODE_A_URL NODE_B_URL USERNAME PASSWORD ROUNDS");
            System.exit(2);
        }
        var p = new Propagation(URI.create(args[0]), URI.create(args[1]), args[2], args[3]);
        int rounds = Integer.parseInt(args[4]);
        // Warm-up: the JIT of both nodes and of this client, outside the samples.
        p.signOuts(Math.max(5, rounds / 10));
        p.familyRevocations(Math.max(5, rounds / 10));
        print("sign-out", p.signOuts(rounds));
        print("family revocation", p.familyRevocations(rounds));
    }

    private List<Double> signOuts(int rounds) throws Exception {
        var samples = new ArrayList<Double>();
        for (int i = 0; i < rounds; i++) {
            var signIn = send("POST", a.resolve("/api/session"), credentials, "X-Forwarded-For", address(i));
            var cookies = signIn.headers().allValues("set-cookie");
            var session = cookie(cookies, "lk_session");
            var csrf = cookie(cookies, "lk_csrf");
            var jar = "lk_session=" + session + "; lk_csrf=" + csrf;
            expect(send("GET", b.resolve("/api/me"), null, "Cookie", jar), 200);
            expect(
                    send(
                            "DELETE",
                            a.resolve("/api/session"),
                            null,
                            "Cookie",
                            jar,
                            "X-CSRF-Token",
                            field(signIn, "csrf_token")),
                    200,
                    204);
            long start = System.nanoTime();
            while (send("GET", b.resolve("/api/me"), null, "Cookie", jar).statusCode() != 401) {
                Thread.onSpinWait();
            }
            samples.add((System.nanoTime() - start) / 1e6);
        }
        return samples;
    }

    private List<Double> familyRevocations(int rounds) throws Exception {
        var samples = new ArrayList<Double>();
        for (int i = 0; i < rounds; i++) {
            var pair = send("POST", a.resolve("/api/jwt"), credentials, "X-Forwarded-For", address(i));
            var verify = "{\"token\":\"" + field(pair, "access") + "\"}";
            expect(send("POST", b.resolve("/api/jwt/verify"), verify), 200);
            expect(send("POST", a.resolve("/api/jwt/revoke"), "{\"refresh\":\"" + field(pair, "refresh") + "\"}"), 200);
            long start = System.nanoTime();
            while (send("POST", b.resolve("/api/jwt/verify"), verify).statusCode() != 401) {
                Thread.onSpinWait();
            }
            samples.add((System.nanoTime() - start) / 1e6);
        }
        return samples;
    }

    /** Sign-ins from many addresses, so that the throttle's burst allowance for one address is never what is timed. */
    private static String address(int i) {
        return "10.20." + (i / 250 % 250) + "." + (i % 250 + 1);
    }

    private HttpResponse<String> send(String method, URI uri, String json, String... headers)
            throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        if (json != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(HttpResponse<String> response, int... statuses) {
        for (int status : statuses) {
            if (response.statusCode() == status) {
                return;
            }
        }
        throw new IllegalStateException(response.uri() + " answered " + response.statusCode() + ": " + response.body());
    }

    private static String cookie(List<String> setCookies, String name) {
        return setCookies.stream()
                .filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + name + " cookie in " + setCookies));
    }

    private static String field(HttpResponse<String> response, String name) {
        var m = Pattern.compile(String.format(FIELD.pattern(), Pattern.quote(name)))
                .matcher(response.body());
        if (!m.find()) {
            throw new IllegalStateException("no \"" + name + "\" in " + response.body());
        }
        return m.group(1);
    }

    private static void print(String kind, List<Double> samples) {
        Collections.sort(samples);
        System.out.printf(
                Locale.ROOT,
                "%s %.1f %.1f %.1f %d%n",
                kind.replace(' ', '_'),
                percentile(samples, 0.50),
                percentile(samples, 0.99),
                samples.get(samples.size() - 1),
                samples.size());
    }

    private static double percentile(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
