package dev.latchkey.social;

import dev.latchkey.error.LatchkeyException;

/** The provider refused the sign-in, or what came back does not prove one (a bad code, a wrong nonce): HTTP 401. */
public final class SocialDenied extends LatchkeyException {
    public SocialDenied(String detail) {
        super("social_login_failed", 401, detail);
    }
}
