package dev.latchkey.error;

/** The request clashes with what is stored (a username already taken): HTTP 409. */
public final class Conflict extends LatchkeyException {
    public Conflict(String code, String detail) {
        super(code, 409, detail);
    }
}
