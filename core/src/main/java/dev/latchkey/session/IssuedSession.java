package dev.latchkey.session;

/**
 * A session together with its id, as answered once when the id is made: the id goes into the cookie and nowhere
 * else. {@code toString} never shows it.
 */
public record IssuedSession(String id, Session session) {
    @Override
    public String toString() {
        return "IssuedSession[id=<redacted>, session=" + session.idHash() + "]";
    }
}
