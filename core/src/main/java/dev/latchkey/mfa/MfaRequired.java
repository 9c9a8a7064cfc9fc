package dev.latchkey.mfa;

import dev.latchkey.error.LatchkeyException;
import java.util.List;
import java.util.Map;

/**
 * The first factor was right and a second is due: 401 with the {@code mfa_token} for {@code POST /api/mfa/verify} and
 * the methods the user has. Said only after a right first factor, so it tells nobody else anything.
 */
public final class MfaRequired extends LatchkeyException {
    private final String token;
    private final List<String> methods;

    MfaRequired(String token, List<String> methods) {
        super("mfa_required", 401, "a second factor is needed: POST /api/mfa/verify with the mfa_token and a code");
        this.token = token;
        this.methods = List.copyOf(methods);
    }

    public String token() {
        return token;
    }

    public List<String> methods() {
        return methods;
    }

    @Override
    public Map<String, Object> fields() {
        return Map.of("mfa_token", token, "methods", methods);
    }
}
