package dev.latchkey.error;

/** The server is saturated (every password-hashing slot taken for too long): HTTP 503, try again shortly. */
public final class Busy extends LatchkeyException {
    public Busy(String detail) {
        super("busy", 503, detail);
    }
}
