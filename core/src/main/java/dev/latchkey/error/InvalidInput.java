package dev.latchkey.error;

/** Input that is malformed, missing or out of bounds: HTTP 400, {@code invalid_input} unless a finer code is given. */
public final class InvalidInput extends LatchkeyException {
    public InvalidInput(String detail) {
        super("invalid_input", 400, detail);
    }

    public InvalidInput(String code, String detail) {
        super(code, 400, detail);
    }
}
