package dev.latchkey.provider;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An app registered to sign its users in through latchkey (an OpenID Connect relying party).
 *
 * @param id                     random, public
 * @param secretHash             the SHA-256 of its secret, or null for a public client (an SPA, a native app)
 * @param authMethod             how it proves itself at the token endpoint
 * @param redirectUris           where authorization answers may go, compared as exact strings
 *                               ({@link RedirectUris#matches})
 * @param postLogoutRedirectUris where RP-initiated logout may send the browser afterwards
 * @param grantTypes             {@code authorization_code}, {@code refresh_token}, {@code client_credentials}
 * @param firstParty             latchkey's own app: no consent page
 * @param backchannelLogoutUri   where logout tokens are posted when a session it holds ends, or null
 * @param jwks                   the public keys of a {@code private_key_jwt} client, as a JWK set, or null
 * @param jwksUri                where those keys are fetched instead, or null
 */
public record Client(
        String id,
        String name,
        String secretHash,
        AuthMethod authMethod,
        List<String> redirectUris,
        List<String> postLogoutRedirectUris,
        Set<String> grantTypes,
        boolean firstParty,
        String backchannelLogoutUri,
        String jwks,
        String jwksUri,
        Instant created) {
    public static final String AUTHORIZATION_CODE = "authorization_code";
    public static final String REFRESH_TOKEN = "refresh_token";
    public static final String CLIENT_CREDENTIALS = "client_credentials";
    public static final Set<String> GRANT_TYPES = Set.of(AUTHORIZATION_CODE, REFRESH_TOKEN, CLIENT_CREDENTIALS);

    /** The token endpoint authentication methods (RFC 7591 names). */
    public enum AuthMethod {
        CLIENT_SECRET_BASIC("client_secret_basic"),
        CLIENT_SECRET_POST("client_secret_post"),
        PRIVATE_KEY_JWT("private_key_jwt"),
        NONE("none");

        private final String wireName;

        AuthMethod(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static AuthMethod of(String wireName) {
            for (var method : values()) {
                if (method.wireName.equals(wireName)) {
                    return method;
                }
            }
            throw new IllegalArgumentException("unknown token endpoint auth method: " + wireName);
        }
    }

    public Client {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(authMethod, "authMethod");
        redirectUris = List.copyOf(redirectUris);
        postLogoutRedirectUris = List.copyOf(postLogoutRedirectUris);
        grantTypes = Set.copyOf(grantTypes);
        Objects.requireNonNull(created, "created");
    }

    /** A public client holds no secret: PKCE alone binds its codes. */
    public boolean isPublic() {
        return authMethod == AuthMethod.NONE;
    }

    /**
     * Whether the secret methods apply: a client with a secret may send it either way (Basic or in the form), as
     * most client libraries pick one without asking.
     */
    public boolean usesSecret() {
        return authMethod == AuthMethod.CLIENT_SECRET_BASIC || authMethod == AuthMethod.CLIENT_SECRET_POST;
    }

    public boolean allows(String grantType) {
        return grantTypes.contains(grantType);
    }

    Client withSecretHash(String hash) {
        return new Client(
                id,
                name,
                hash,
                authMethod,
                redirectUris,
                postLogoutRedirectUris,
                grantTypes,
                firstParty,
                backchannelLogoutUri,
                jwks,
                jwksUri,
                created);
    }
}
