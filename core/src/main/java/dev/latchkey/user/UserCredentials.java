package dev.latchkey.user;

/** A user with the stored password hash, for the password backend only. {@code toString} never shows the hash. */
public record UserCredentials(User user, String passwordHash) {
    @Override
    public String toString() {
        return "UserCredentials[user=" + user.username() + ", passwordHash=<redacted>]";
    }
}
