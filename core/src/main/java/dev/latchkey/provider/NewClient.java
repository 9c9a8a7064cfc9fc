package dev.latchkey.provider;

import java.util.List;
import java.util.Set;

/**
 * What registering a client asks for ({@code latchkey client create}, {@code POST /api/clients}).
 *
 * @param grantTypes  empty for the default: {@code authorization_code} and {@code refresh_token}
 * @param authMethod  null for the default: {@code none} for a public client, {@code client_secret_basic} otherwise
 */
public record NewClient(
        String name,
        List<String> redirectUris,
        List<String> postLogoutRedirectUris,
        boolean publicClient,
        boolean firstParty,
        String backchannelLogoutUri,
        Set<String> grantTypes,
        Client.AuthMethod authMethod,
        String jwks,
        String jwksUri) {
    public NewClient {
        redirectUris = redirectUris == null ? List.of() : List.copyOf(redirectUris);
        postLogoutRedirectUris = postLogoutRedirectUris == null ? List.of() : List.copyOf(postLogoutRedirectUris);
        grantTypes = grantTypes == null ? Set.of() : Set.copyOf(grantTypes);
    }

    /** A confidential client with a secret, for these redirect URIs. */
    public static NewClient confidential(String name, String... redirectUris) {
        return new NewClient(name, List.of(redirectUris), List.of(), false, false, null, Set.of(), null, null, null);
    }

    /** A public client (PKCE, no secret), for these redirect URIs. */
    public static NewClient publicClient(String name, String... redirectUris) {
        return new NewClient(name, List.of(redirectUris), List.of(), true, false, null, Set.of(), null, null, null);
    }

    public NewClient asFirstParty() {
        return new NewClient(
                name,
                redirectUris,
                postLogoutRedirectUris,
                publicClient,
                true,
                backchannelLogoutUri,
                grantTypes,
                authMethod,
                jwks,
                jwksUri);
    }

    public NewClient withPostLogoutRedirectUris(String... uris) {
        return new NewClient(
                name,
                redirectUris,
                List.of(uris),
                publicClient,
                firstParty,
                backchannelLogoutUri,
                grantTypes,
                authMethod,
                jwks,
                jwksUri);
    }

    public NewClient withBackchannelLogoutUri(String uri) {
        return new NewClient(
                name,
                redirectUris,
                postLogoutRedirectUris,
                publicClient,
                firstParty,
                uri,
                grantTypes,
                authMethod,
                jwks,
                jwksUri);
    }

    public NewClient withGrantTypes(String... grants) {
        return new NewClient(
                name,
                redirectUris,
                postLogoutRedirectUris,
                publicClient,
                firstParty,
                backchannelLogoutUri,
                Set.of(grants),
                authMethod,
                jwks,
                jwksUri);
    }

    public NewClient withKeys(String jwkSet, String uri) {
        return new NewClient(
                name,
                redirectUris,
                postLogoutRedirectUris,
                publicClient,
                firstParty,
                backchannelLogoutUri,
                grantTypes,
                Client.AuthMethod.PRIVATE_KEY_JWT,
                jwkSet,
                uri);
    }

    public NewClient withAuthMethod(Client.AuthMethod method) {
        return new NewClient(
                name,
                redirectUris,
                postLogoutRedirectUris,
                publicClient,
                firstParty,
                backchannelLogoutUri,
                grantTypes,
                method,
                jwks,
                jwksUri);
    }
}
