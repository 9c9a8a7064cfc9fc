package dev.latchkey.user;

import java.time.Instant;
import java.util.Objects;

/**
 * A named group of users (Django's {@code auth.Group}, without permissions: what a group allows is the app's
 * business, which reads the names).
 *
 * @param members how many users belong to it, when it was read
 */
public record Group(long id, String name, Instant created, int members) {
    public Group {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(created, "created");
    }
}
