package dev.latchkey.session;

import java.util.List;

/** Told when sessions end by sign-out, so that what was issued through them (token families) can end too. */
@FunctionalInterface
public interface SessionEndListener {
    void sessionsEnded(List<String> idHashes);
}
