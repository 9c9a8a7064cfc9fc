package dev.latchkey.social;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where provider identities and their users are kept. */
public interface SocialAccountStore {
    Optional<SocialAccount> findByIdentity(String provider, String subject);

    /** The user's accounts, oldest first. */
    List<SocialAccount> findByUser(long userId);

    /** Ties the identity to the user; {@link dev.latchkey.error.Conflict} when the identity is already tied. */
    SocialAccount insert(SocialIdentity identity, long userId, String profileJson, Instant now);

    /** Records a sign-in: the profile and email as the provider now says them, and the time. */
    void updateProfile(long id, SocialIdentity identity, String profileJson, Instant now);

    boolean delete(long userId, long id);

    /** Keeps the provider's tokens, sealed. */
    void updateTokens(long id, String sealed);

    /** The sealed tokens kept for the account; empty when none are kept or there is no such account. */
    Optional<String> findTokens(long id);
}
