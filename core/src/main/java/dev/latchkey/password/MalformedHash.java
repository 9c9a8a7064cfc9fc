package dev.latchkey.password;

/** An encoded password that does not parse. It never names the hash itself, so it is safe to log. */
public final class MalformedHash extends RuntimeException {
    public MalformedHash(String algorithm, String problem) {
        super(algorithm + " hash is malformed: " + problem, null, false, false);
    }
}
