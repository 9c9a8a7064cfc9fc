package dev.latchkey.user;

import java.time.Instant;
import java.util.Objects;

/** A user brought from elsewhere (a Django dump) with its password hash kept as it was. */
public record ImportedUser(
        String username,
        String email,
        String passwordHash,
        boolean active,
        boolean staff,
        boolean superuser,
        Instant dateJoined,
        Instant lastLogin) {
    public ImportedUser {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(passwordHash, "passwordHash");
        Objects.requireNonNull(dateJoined, "dateJoined");
    }

    @Override
    public String toString() {
        return "ImportedUser[username=" + username + ", passwordHash=<redacted>]";
    }
}
