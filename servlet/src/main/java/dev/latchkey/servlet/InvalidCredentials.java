package dev.latchkey.servlet;

/** A credential was presented and latchkey (or its keys) says it is not valid: the filter answers 401. */
final class InvalidCredentials extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidCredentials(String message) {
        super(message);
    }
}
