package dev.latchkey.provider;

import com.nimbusds.jose.jwk.JWKSet;
import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditStore;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.error.NotFound;
import dev.latchkey.request.RequestContext;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Registered clients: registration with every rule checked up front, secret rotation, deletion, and the secret
 * check of the token endpoint. Client ids are random ({@code lkc_}…); secrets are 256 random bits ({@code lkcs_}…),
 * shown once and kept as their SHA-256, compared in constant time.
 */
public final class Clients {
    public static final String ID_PREFIX = "lkc_";
    public static final String SECRET_PREFIX = "lkcs_";
    public static final String AUDIT_CREATED = "client_created";
    public static final String AUDIT_SECRET_ROTATED = "client_secret_rotated";
    public static final String AUDIT_DELETED = "client_deleted";
    public static final int MAX_NAME = 150;
    public static final int MAX_URIS = 20;
    public static final int MAX_JWKS = 16 * 1024;

    private final ClientStore store;
    private final Secrets secrets;
    private final AuditStore audit;
    private final Clock clock;
    private final ClientDeletion onDelete;

    /** What else goes when a client is deleted (its token families). */
    @FunctionalInterface
    public interface ClientDeletion {
        void deleted(String clientId);
    }

    public Clients(ClientStore store, Secrets secrets, AuditStore audit, Clock clock, ClientDeletion onDelete) {
        this.store = store;
        this.secrets = secrets;
        this.audit = audit;
        this.clock = clock;
        this.onDelete = onDelete;
    }

    /** Registers a client; {@link InvalidInput} naming the first rule it breaks. */
    public IssuedClient create(NewClient request, RequestContext context) {
        var client = validated(request);
        String secret = null;
        if (client.usesSecret()) {
            secret = newSecret();
            client = client.withSecretHash(Secrets.sha256Hex(secret));
        }
        store.insert(client);
        audit(AUDIT_CREATED, client.id(), context);
        return new IssuedClient(client, secret);
    }

    public Optional<Client> find(String id) {
        if (id == null || id.isEmpty() || id.length() > 64) {
            return Optional.empty();
        }
        return store.find(id);
    }

    public List<Client> list() {
        return store.list();
    }

    /** A new secret for a confidential client; the old one stops working at once. */
    public IssuedClient rotateSecret(String id, RequestContext context) {
        var client = require(id);
        if (!client.usesSecret()) {
            throw new InvalidInput("no_secret", "client " + id + " authenticates without a secret");
        }
        var secret = newSecret();
        var hash = Secrets.sha256Hex(secret);
        store.updateSecret(id, hash, clock.instant());
        audit(AUDIT_SECRET_ROTATED, id, context);
        return new IssuedClient(client.withSecretHash(hash), secret);
    }

    /** Deletes the client, its consents and every token family issued to it. */
    public void delete(String id, RequestContext context) {
        require(id);
        onDelete.deleted(id);
        store.delete(id);
        audit(AUDIT_DELETED, id, context);
    }

    public Client require(String id) {
        return find(id).orElseThrow(() -> new NotFound("client_not_found", "no client " + id));
    }

    /**
     * The client whose id and secret these are, or empty. The secret's hash is compared in constant time, and a
     * hash is computed even for an unknown id, so that timing says nothing of which ids exist.
     */
    public Optional<Client> authenticate(String id, String secret) {
        var presented = Secrets.sha256Hex(secret == null ? "" : secret);
        var client = find(id);
        var stored = client.map(Client::secretHash).orElse(null);
        boolean good = stored != null && client.get().usesSecret() && Secrets.constantTimeEquals(stored, presented);
        return good ? client : Optional.empty();
    }

    private Client validated(NewClient r) {
        var name = r.name() == null ? "" : r.name().strip();
        if (name.isEmpty() || name.codePointCount(0, name.length()) > MAX_NAME) {
            throw new InvalidInput("invalid_client_metadata", "a client's name has 1 to " + MAX_NAME + " characters");
        }
        if (name.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT)) {
            throw new InvalidInput("invalid_client_metadata", "a client's name must not hold control characters");
        }
        var grants = new LinkedHashSet<String>(r.grantTypes());
        if (grants.isEmpty()) {
            grants.add(Client.AUTHORIZATION_CODE);
        }
        for (var grant : grants) {
            if (!Client.GRANT_TYPES.contains(grant)) {
                throw new InvalidInput(
                        "invalid_client_metadata",
                        "unknown grant type " + grant
                                + "; known: authorization_code, refresh_token, client_credentials");
            }
        }
        if (grants.contains(Client.AUTHORIZATION_CODE)) {
            grants.add(Client.REFRESH_TOKEN); // offline_access decides whether a refresh token is issued
        }
        var method = r.authMethod() != null
                ? r.authMethod()
                : r.publicClient() ? Client.AuthMethod.NONE : Client.AuthMethod.CLIENT_SECRET_BASIC;
        if (r.publicClient() != (method == Client.AuthMethod.NONE)) {
            throw new InvalidInput(
                    "invalid_client_metadata",
                    r.publicClient()
                            ? "a public client authenticates with none"
                            : "a confidential client needs a secret or private_key_jwt");
        }
        if (r.publicClient() && grants.contains(Client.CLIENT_CREDENTIALS)) {
            throw new InvalidInput("invalid_client_metadata", "client_credentials is for confidential clients only");
        }
        if (grants.contains(Client.AUTHORIZATION_CODE) && r.redirectUris().isEmpty()) {
            throw new InvalidInput("invalid_redirect_uri", "the authorization code grant needs a redirect URI");
        }
        checkCount(r.redirectUris(), "redirect URIs");
        checkCount(r.postLogoutRedirectUris(), "post-logout redirect URIs");
        var redirects = r.redirectUris().stream()
                .map(uri -> registrable(uri, r.publicClient(), "invalid_redirect_uri"))
                .distinct()
                .toList();
        var postLogout = r.postLogoutRedirectUris().stream()
                .map(uri -> registrable(uri, r.publicClient(), "invalid_client_metadata"))
                .distinct()
                .toList();
        var backchannel =
                r.backchannelLogoutUri() == null || r.backchannelLogoutUri().isEmpty()
                        ? null
                        : serverUri(r.backchannelLogoutUri(), "backchannel logout URI");
        String jwks = null;
        String jwksUri = null;
        if (method == Client.AuthMethod.PRIVATE_KEY_JWT) {
            if ((r.jwks() == null) == (r.jwksUri() == null)) {
                throw new InvalidInput("invalid_client_metadata", "private_key_jwt needs either jwks or jwks_uri");
            }
            jwks = r.jwks() == null ? null : publicJwks(r.jwks());
            jwksUri = r.jwksUri() == null ? null : serverUri(r.jwksUri(), "jwks_uri");
        } else if (r.jwks() != null || r.jwksUri() != null) {
            throw new InvalidInput("invalid_client_metadata", "keys are for private_key_jwt clients only");
        }
        return new Client(
                ID_PREFIX + secrets.urlSafeToken(16),
                name,
                null,
                method,
                redirects,
                postLogout,
                Set.copyOf(grants),
                r.firstParty(),
                backchannel,
                jwks,
                jwksUri,
                clock.instant());
    }

    private static void checkCount(List<String> uris, String what) {
        if (uris.size() > MAX_URIS) {
            throw new InvalidInput("invalid_client_metadata", "at most " + MAX_URIS + " " + what);
        }
    }

    private static String registrable(String uri, boolean publicClient, String code) {
        try {
            return RedirectUris.checkRegistrable(uri, publicClient);
        } catch (IllegalArgumentException e) {
            throw new InvalidInput(code, e.getMessage());
        }
    }

    /** An https URI (or http on loopback) that latchkey itself calls. */
    private static String serverUri(String uri, String what) {
        registrable(uri, false, "invalid_client_metadata");
        var scheme = URI.create(uri).getScheme();
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new InvalidInput("invalid_client_metadata", "the " + what + " must be https");
        }
        return uri;
    }

    private static String publicJwks(String json) {
        if (json.length() > MAX_JWKS) {
            throw new InvalidInput("invalid_client_metadata", "jwks is longer than " + MAX_JWKS + " characters");
        }
        JWKSet set;
        try {
            set = JWKSet.parse(json);
        } catch (ParseException e) {
            throw new InvalidInput("invalid_client_metadata", "jwks is not a JWK set");
        }
        if (set.getKeys().isEmpty()) {
            throw new InvalidInput("invalid_client_metadata", "jwks holds no key");
        }
        var allowed = Set.of(com.nimbusds.jose.jwk.KeyType.RSA, com.nimbusds.jose.jwk.KeyType.EC);
        for (var key : set.getKeys()) {
            if (key.isPrivate()) {
                throw new InvalidInput("invalid_client_metadata", "jwks must hold public keys only");
            }
            if (!allowed.contains(key.getKeyType())) {
                throw new InvalidInput("invalid_client_metadata", "jwks keys are RSA or EC");
            }
        }
        return set.toString(true);
    }

    private String newSecret() {
        return SECRET_PREFIX + secrets.urlSafeToken(32);
    }

    private void audit(String kind, String clientId, RequestContext context) {
        audit.append(new AuditEvent(
                clock.instant(), kind, null, "", "success", clientId, context.clientIp(), context.userAgent()));
    }
}
