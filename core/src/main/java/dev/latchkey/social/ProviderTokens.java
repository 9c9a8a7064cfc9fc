package dev.latchkey.social;

import java.time.Instant;

/**
 * A provider's tokens for a user, as its token endpoint answered them: kept (sealed) only for providers configured
 * with {@code keep_tokens}. {@code toString} never shows them.
 *
 * @param refreshToken null when the provider gave none
 * @param expires      null when the provider did not say
 */
public record ProviderTokens(String accessToken, String refreshToken, Instant expires) {

    /**
     * The tokens of a token endpoint's answer, or null when it has no access token; a refresh that brings no new
     * refresh token keeps {@code previousRefresh}.
     */
    static ProviderTokens read(com.fasterxml.jackson.databind.JsonNode answer, Instant now, String previousRefresh) {
        var access = answer.get("access_token");
        if (access == null || !access.isTextual()) {
            return null;
        }
        var refresh = answer.get("refresh_token");
        var expiresIn = answer.get("expires_in");
        return new ProviderTokens(
                access.asText(),
                refresh != null && refresh.isTextual() ? refresh.asText() : previousRefresh,
                expiresIn != null && expiresIn.canConvertToLong() && expiresIn.asLong() > 0
                        ? now.plusSeconds(expiresIn.asLong())
                        : null);
    }

    public boolean isExpiredAt(Instant now) {
        return expires != null && !now.isBefore(expires);
    }

    @Override
    public String toString() {
        return "ProviderTokens[accessToken=<redacted>, refreshToken=<redacted>, expires=" + expires + "]";
    }
}
