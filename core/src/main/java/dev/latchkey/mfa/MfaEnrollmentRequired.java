package dev.latchkey.mfa;

import dev.latchkey.error.LatchkeyException;
import java.util.Map;

/**
 * The first factor was right, {@code mfa.required} demands a second factor of this user, and they have none: 401 with
 * an {@code mfa_token} that is good for enrolling an authenticator app and nothing else ({@code POST /api/mfa/totp}
 * and {@code /api/mfa/totp/confirm} with it in the body); after that the user signs in again, with both factors.
 */
public final class MfaEnrollmentRequired extends LatchkeyException {
    private final String token;

    MfaEnrollmentRequired(String token) {
        super(
                "mfa_enrollment_required",
                401,
                "a second factor must be set up first: POST /api/mfa/totp with the mfa_token, then sign in again");
        this.token = token;
    }

    public String token() {
        return token;
    }

    @Override
    public Map<String, Object> fields() {
        return Map.of("mfa_token", token);
    }
}
