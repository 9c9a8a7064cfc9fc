package dev.latchkey.servlet;

/** latchkey could not be asked (down, slow, answering errors) and nothing valid is cached: the filter answers 503. */
final class Unreachable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreachable(String message, Throwable cause) {
        super(message, cause);
    }
}
