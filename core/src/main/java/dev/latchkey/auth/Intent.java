package dev.latchkey.auth;

import java.util.Map;

/**
 * What a sign-in is for — a browser session, a page's session, a JWT pair, an API token — so that, when a second
 * factor is due, its second step ({@code POST /api/mfa/verify}) can answer exactly what the first call would have.
 *
 * @param details what that answer needs besides the user (a page's {@code next}, a token's name and lifetime)
 */
public record Intent(String answer, Map<String, String> details) {
    public static final String SESSION = "session";
    public static final String PAGE = "page";
    public static final String JWT = "jwt";
    public static final String TOKEN = "token";

    public Intent {
        if (!SESSION.equals(answer) && !PAGE.equals(answer) && !JWT.equals(answer) && !TOKEN.equals(answer)) {
            throw new IllegalArgumentException("unknown sign-in intent " + answer);
        }
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public static Intent of(String answer) {
        return new Intent(answer, Map.of());
    }
}
