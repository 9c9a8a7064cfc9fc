package dev.latchkey.error;

/** The named thing does not exist: HTTP 404. */
public final class NotFound extends LatchkeyException {
    public NotFound(String code, String detail) {
        super(code, 404, detail);
    }
}
