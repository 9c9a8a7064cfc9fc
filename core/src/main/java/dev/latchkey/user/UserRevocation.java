package dev.latchkey.user;

/**
 * Something that holds credentials of a user and must drop them all when the password changes or the user is
 * deactivated: sessions now, token families later.
 */
public interface UserRevocation {
    void revokeAll(long userId);
}
