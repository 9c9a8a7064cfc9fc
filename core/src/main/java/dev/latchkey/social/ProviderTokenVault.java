package dev.latchkey.social;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.crypto.SecretBox;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The providers' own tokens, kept for providers configured with {@code keep_tokens}: sealed at rest
 * ({@link SecretBox}, the provider and subject as associated data, so a row's tokens cannot be moved to another
 * account), opened only to hand a current access token to its user, and refreshed on demand when it has expired.
 */
public final class ProviderTokenVault {
    private final Map<String, SocialProvider> providers;
    private final SocialAccountStore accounts;
    private final SecretBox box;
    private final ObjectMapper json;
    private final Clock clock;

    /**
     * @param box seals the tokens; null without an instance secret, which is refused when a provider keeps tokens
     */
    public ProviderTokenVault(
            Map<String, SocialProvider> providers,
            SocialAccountStore accounts,
            SecretBox box,
            ObjectMapper json,
            Clock clock) {
        for (var provider : providers.values()) {
            if (provider.settings().keepTokens() && box == null) {
                throw new IllegalArgumentException(
                        "social." + provider.name() + ".keep_tokens needs an instance" + " secret to seal the tokens");
            }
        }
        this.providers = Map.copyOf(providers);
        this.accounts = accounts;
        this.box = box;
        this.json = json;
        this.clock = clock;
    }

    /** Keeps the tokens the identity came with, when its provider keeps tokens and gave some; otherwise nothing. */
    public void keep(long accountId, SocialIdentity identity) {
        var provider = provider(identity.provider());
        if (identity.tokens() != null
                && provider.isPresent()
                && provider.get().settings().keepTokens()) {
            accounts.updateTokens(
                    accountId,
                    box.seal(write(identity.tokens()), associatedData(identity.provider(), identity.subject())));
        }
    }

    /**
     * A current access token of the provider for this linked account of the user — refreshed first with the kept
     * refresh token when it has expired — or empty when the account is not the user's, the provider keeps no tokens
     * or none were given. {@link SocialDenied} when the provider refuses the refresh token, {@link ProviderFailure}
     * when it cannot be reached.
     */
    public Optional<String> accessToken(long userId, long accountId) {
        var account = accounts.findByUser(userId).stream()
                .filter(a -> a.id() == accountId)
                .findFirst();
        if (account.isEmpty() || box == null) {
            return Optional.empty();
        }
        var provider = provider(account.get().provider());
        var sealed = accounts.findTokens(accountId);
        if (provider.isEmpty() || sealed.isEmpty()) {
            return Optional.empty();
        }
        var aad = associatedData(account.get().provider(), account.get().subject());
        var tokens = read(box.open(sealed.get(), aad));
        if (tokens.isExpiredAt(clock.instant()) && tokens.refreshToken() != null) {
            tokens = provider.get().refresh(tokens.refreshToken());
            accounts.updateTokens(accountId, box.seal(write(tokens), aad));
        } else if (tokens.isExpiredAt(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(tokens.accessToken());
    }

    private Optional<SocialProvider> provider(String name) {
        return Optional.ofNullable(name == null ? null : providers.get(name));
    }

    private static String associatedData(String provider, String subject) {
        return provider + " " + subject;
    }

    private String write(ProviderTokens tokens) {
        var map = new LinkedHashMap<String, Object>();
        map.put("access", tokens.accessToken());
        map.put("refresh", tokens.refreshToken());
        map.put("expires", tokens.expires() == null ? null : tokens.expires().toEpochMilli());
        try {
            return json.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("provider tokens could not be written", e);
        }
    }

    private ProviderTokens read(String text) {
        try {
            var node = json.readTree(text);
            var expires = node.get("expires");
            return new ProviderTokens(
                    node.get("access").asText(),
                    node.get("refresh").isNull() ? null : node.get("refresh").asText(),
                    expires == null || expires.isNull() ? null : Instant.ofEpochMilli(expires.asLong()));
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalStateException("kept provider tokens are unreadable", e);
        }
    }
}
