package dev.latchkey.password;

/** An encoded password that does not parse. It never names the hash itself, so it is safe to log. */
public class MalformedHash extends RuntimeException {
    public MalformedHash(String algorithm, String problem) {
        this(algorithm + " hash is malformed: " + problem);
    }

    MalformedHash(String message) {
        super(message, null, false, false);
    }
}
