package dev.latchkey.server.web.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where a {@code next} parameter may send a browser after sign-in: only a relative path on this site. Anything that
 * a browser could read as another origin — {@code //evil}, {@code /\evil}, {@code https://evil},
 * {@code javascript:}, control characters, and their percent-encoded forms — becomes {@code /}.
 */
public final class SafeRedirect {
    private static final int MAX_LENGTH = 2048;

    private SafeRedirect() {}

    public static String of(String next, String fallback) {
        if (next == null || next.isEmpty() || next.length() > MAX_LENGTH) {
            return fallback;
        }
        var decoded = next;
        // Decode until stable (a few rounds), so that %2F%2F and %252F%252F are judged as the browser may see them.
        for (int round = 0; round < 3; round++) {
            if (!isSafe(decoded)) {
                return fallback;
            }
            String again;
            try {
                again = URLDecoder.decode(decoded.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return fallback;
            }
            if (again.equals(decoded)) {
                return next;
            }
            decoded = again;
        }
        return isSafe(decoded) ? next : fallback;
    }

    private static boolean isSafe(String path) {
        if (!path.startsWith("/") || path.startsWith("//") || path.indexOf('\\') >= 0) {
            return false;
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
