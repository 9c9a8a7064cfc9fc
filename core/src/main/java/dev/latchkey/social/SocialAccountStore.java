package dev.latchkey.social;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where provider identities and their users are kept. */
public interface SocialAccountStore {
    Optional<SocialAccount> find(String provider, String subject);

    List<SocialAccount> forUser(long userId);

    /** Ties the identity to the user; {@link dev.latchkey.error.Conflict} when the identity is already tied. */
    SocialAccount insert(SocialIdentity identity, long userId, String profileJson, Instant now);

    /** Records a sign-in: the profile and email as the provider now says them. */
    void touch(long id, SocialIdentity identity, String profileJson, Instant now);

    boolean delete(long userId, long id);

    /** Keeps the provider's tokens, sealed. */
    void storeTokens(long id, String sealed);

    Optional<String> sealedTokens(long id);
}
