package dev.latchkey.provider;

import java.time.Instant;

/**
 * What a valid access token of the provider says.
 *
 * @param userId   the user, or null for a client's own token ({@code client_credentials})
 * @param familyId its token family, or null for a client's own token
 */
public record ProviderAccess(
        String subject,
        Long userId,
        String clientId,
        Scopes scopes,
        String familyId,
        Instant issued,
        Instant expires) {}
