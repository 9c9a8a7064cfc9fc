package dev.latchkey.error;

/**
 * The one family of deliberate failures. {@link #code()} is exactly the JSON {@code error} string a client sees and
 * {@link #status()} the HTTP status; the web layer turns these into responses in one place, and the command line
 * turns them into a one-line reason and exit status 1.
 *
 * <p>Messages are precise about format and vague about secrets: "invalid username or password" for every failed
 * sign-in, whatever the reason.
 */
public class LatchkeyException extends RuntimeException {
    private final String code;
    private final int status;

    public LatchkeyException(String code, int status, String detail) {
        super(detail, null, false, false);
        this.code = code;
        this.status = status;
    }

    public LatchkeyException(String code, int status, String detail, Throwable cause) {
        super(detail, cause, false, false);
        this.code = code;
        this.status = status;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    public String detail() {
        return getMessage();
    }

    /**
     * Fields the error body carries besides {@code error} and {@code detail} (a second step's {@code mfa_token} and
     * {@code methods}): strings or lists of strings. None unless a kind of error says so.
     */
    public java.util.Map<String, Object> fields() {
        return java.util.Map.of();
    }
}
