package dev.latchkey.mfa;

import dev.latchkey.error.LatchkeyException;

/** A well-formed second-factor proof that is wrong, used before or out of its window: 401, the same words for all. */
public final class WrongCode extends LatchkeyException {
    WrongCode() {
        super("invalid_mfa_code", 401, "that code is not right, or was used already");
    }
}
