package dev.latchkey.user;

import dev.latchkey.error.InvalidInput;

/** What a new user is made of; the username is normalised (NFKC) and validated here. */
public record NewUser(String username, String email, boolean staff, boolean superuser) {
    public NewUser {
        username = Usernames.normalize(username);
        email = Emails.normalize(email);
        if (superuser && !staff) {
            throw new InvalidInput("invalid_user", "a superuser must also be staff");
        }
    }

    public static NewUser named(String username) {
        return new NewUser(username, "", false, false);
    }
}
