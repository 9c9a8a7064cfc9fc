package dev.latchkey.bench.attack;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Oversized and malformed requests, one each on its own connection: each should get a 4xx, quickly, and never a
 * 5xx or no answer at all.
 */
final class HostileInputs {
    private static final int TIMEOUT_MS = 15_000;
    /** Any 4xx will do: refused as invalid (400) or checked like any wrong guess (401). */
    private static final int ANY_4XX = -1;

    private HostileInputs() {}

    @SuppressWarnings("ArrayRecordComponent") // never compared or hashed: each case is sent once and reported
    record Case(String name, int expected, byte[] head, byte[] body, boolean timed) {
        Case(String name, int expected, byte[] head, byte[] body) {
            this(name, expected, head, body, false);
        }
    }

    record Result(Case input, int status, long ms, String failure) {
        boolean held() {
            return failure == null && status < 500;
        }

        String text() {
            if (failure != null) {
                return input.name + " no answer (" + failure + ")";
            }
            var text = input.name + " " + status
                    + (input.expected == ANY_4XX || status == input.expected
                            ? ""
                            : " (expected " + input.expected + ")");
            return input.timed || ms >= 100
                    ? text + " in " + (ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0))
                    : text;
        }
    }

    static List<Case> cases(Wire wire) {
        var cases = new ArrayList<Case>();
        var tenMiB = new byte[10 << 20];
        Arrays.fill(tenMiB, (byte) ' ');
        tenMiB[0] = '{';
        cases.add(new Case(
                "10 MiB body",
                413,
                wire.head("POST", "/api/session", tenMiB.length, "Content-Type: application/json"),
                tenMiB,
                true));
        cases.add(new Case(
                "64 KiB Authorization",
                431,
                wire.head("GET", "/api/me", -1, "Authorization: Bearer " + "a".repeat(64 * 1024)),
                null));
        cases.add(new Case(
                "16 KiB Bearer garbage",
                401,
                wire.head("GET", "/api/me", -1, "Authorization: Bearer " + garbage(16 * 1024)),
                null));
        cases.add(json(
                wire,
                "control-character username",
                ANY_4XX,
                Wire.credentials("al\u0000ice\r\n\u001b[2J\u0007", "wrong password")));
        cases.add(json(wire, "151-char username", ANY_4XX, Wire.credentials("a".repeat(151), "wrong password")));
        cases.add(json(wire, "5,000-byte password", 400, Wire.credentials("mallory", "p".repeat(5000))));
        cases.add(json(wire, "JSON nested 10,000 deep", 400, "[".repeat(10_000) + "]".repeat(10_000)));
        return cases;
    }

    static List<Result> run(Wire wire, InetAddress from) {
        var results = new ArrayList<Result>();
        for (var c : cases(wire)) {
            try {
                var response = wire.exchange(from, c.head, c.body, TIMEOUT_MS);
                results.add(new Result(c, response.status(), response.nanos() / 1_000_000L, null));
            } catch (Exception e) {
                results.add(new Result(c, 0, 0, Attack.describe(e)));
            }
        }
        return results;
    }

    private static Case json(Wire wire, String name, int expected, String json) {
        var body = json.getBytes(StandardCharsets.UTF_8);
        return new Case(
                name, expected, wire.head("POST", "/api/session", body.length, "Content-Type: application/json"), body);
    }

    /** Printable junk in the base64url alphabet and a few dots, like a token but nothing like a valid one. */
    private static String garbage(int length) {
        var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
        var random = new SecureRandom();
        var out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
