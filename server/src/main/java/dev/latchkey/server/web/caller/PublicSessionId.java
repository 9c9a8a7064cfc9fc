package dev.latchkey.server.web.caller;

import dev.latchkey.session.Session;

/**
 * How a session is named to its owner, in the JSON API and on the account page alike: a prefix of the stored
 * SHA-256 of the session id, enough to tell it among the user's sessions and useless for finding or forging the
 * cookie.
 */
public final class PublicSessionId {
    private PublicSessionId() {}

    public static String of(Session session) {
        return session.idHash().substring(0, 32);
    }
}
