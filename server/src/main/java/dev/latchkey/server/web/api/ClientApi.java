package dev.latchkey.server.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.provider.Client;
import dev.latchkey.provider.Clients;
import dev.latchkey.provider.NewClient;
import dev.latchkey.server.web.http.Doc;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.JsonResponses;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.server.web.http.Router;
import dev.latchkey.server.web.http.Schemas;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenID Connect clients, for staff: {@code GET} and {@code POST /api/clients}, {@code GET} and {@code DELETE
 * /api/clients/{id}}, {@code POST /api/clients/{id}/secret}. The body takes RFC 7591's metadata names; a field it
 * does not know is refused rather than ignored, so that a misspelt {@code redirect_uris} or {@code public} cannot
 * register a different client from the one meant. A secret is in the answer that made it and nowhere else.
 */
public final class ClientApi {
    /** The fields of a registration; every other is refused. */
    static final Set<String> FIELDS = Set.of(
            "name",
            "redirect_uris",
            "post_logout_redirect_uris",
            "public",
            "first_party",
            "backchannel_logout_uri",
            "grant_types",
            "token_endpoint_auth_method",
            "jwks",
            "jwks_uri");

    private final Clients clients;

    public ClientApi(Clients clients) {
        this.clients = clients;
    }

    public void register(Router router) {
        var uris = Schemas.array(Schemas.string());
        var issued = Schemas.object(
                "client_id*", Schemas.string(),
                "client_secret", Schemas.string("Shown once: only its hash is kept. Absent for a public client"));
        router.add(
                "GET",
                "/api/clients",
                Policy.staff(),
                Doc.of("Every registered client, oldest first")
                        .answers(200, "Clients", Schemas.object("clients*", Schemas.array(clientSchema()))),
                (x, p) -> list(x));
        router.add(
                "POST",
                "/api/clients",
                Policy.staff(),
                Doc.of("Register a client")
                        .description("RFC 7591 metadata names; an unknown field is refused with `invalid_field`."
                                + " The answer holds the client's secret, once.")
                        .json(Schemas.object(
                                "name*", Schemas.string("1-150 characters, no control characters"),
                                "redirect_uris", uris,
                                "post_logout_redirect_uris", uris,
                                "public", Schemas.bool(),
                                "first_party", Schemas.bool(),
                                "backchannel_logout_uri", Schemas.string(),
                                "grant_types", Schemas.array(Schemas.string()),
                                "token_endpoint_auth_method", authMethodSchema(),
                                "jwks", Schemas.object("keys*", Schemas.array(Schemas.object())),
                                "jwks_uri", Schemas.string()))
                        .answers(201, "Registered, with the secret", withSecret(clientSchema())),
                (x, p) -> create(x));
        router.add(
                "GET",
                "/api/clients/{}",
                Policy.staff(),
                Doc.of("One client").param("id", "The client's id").answers(200, "The client", clientSchema()),
                this::show);
        router.add(
                "POST",
                "/api/clients/{}/secret",
                Policy.staff(),
                Doc.of("Give a client a new secret; the old one stops working at once")
                        .param("id", "The client's id")
                        .answers(200, "The new secret, shown once", issued),
                this::rotate);
        router.add(
                "DELETE",
                "/api/clients/{}",
                Policy.staff(),
                Doc.of("Delete a client with its consents and every token issued to it")
                        .param("id", "The client's id")
                        .answers(204, "Deleted"),
                this::delete);
    }

    private void list(Exchange x) {
        x.json(
                200,
                Map.of("clients", clients.list().stream().map(ClientApi::view).toList()));
    }

    private void create(Exchange x) {
        var made = clients.create(newClient(x.jsonObject()), x.client().context());
        var body = view(made.client());
        if (made.secret() != null) {
            body.put("client_secret", made.secret());
        }
        x.noStore();
        x.json(201, body);
    }

    private void show(Exchange x, String id) {
        x.json(200, view(clients.require(id)));
    }

    private void rotate(Exchange x, String id) {
        var rotated = clients.rotateSecret(id, x.client().context());
        x.noStore();
        x.json(200, JsonResponses.object("client_id", rotated.client().id(), "client_secret", rotated.secret()));
    }

    private void delete(Exchange x, String id) {
        clients.delete(id, x.client().context());
        x.noContent();
    }

    /** The body as a registration, each field of its one type; null is refused as a value: leave the field out. */
    static NewClient newClient(JsonNode body) {
        var names = body.fieldNames();
        while (names.hasNext()) {
            var name = names.next();
            if (!FIELDS.contains(name)) {
                throw new InvalidInput("invalid_field", "\"" + abbreviated(name) + "\" is not a client field");
            }
        }
        var method = text(body, "token_endpoint_auth_method");
        return new NewClient(
                Requests.requiredString(body, "name"),
                strings(body, "redirect_uris"),
                strings(body, "post_logout_redirect_uris"),
                bool(body, "public"),
                bool(body, "first_party"),
                text(body, "backchannel_logout_uri"),
                new LinkedHashSet<>(strings(body, "grant_types")),
                method == null ? null : authMethod(method),
                jwks(body),
                text(body, "jwks_uri"));
    }

    /** A client as staff may see it: never its secret nor the secret's hash. */
    public static Map<String, Object> view(Client client) {
        return JsonResponses.object(
                "client_id",
                client.id(),
                "name",
                client.name(),
                "public",
                client.isPublic(),
                "token_endpoint_auth_method",
                client.authMethod().wireName(),
                "first_party",
                client.firstParty(),
                "redirect_uris",
                client.redirectUris(),
                "post_logout_redirect_uris",
                client.postLogoutRedirectUris(),
                "grant_types",
                client.grantTypes().stream().sorted().toList(),
                "backchannel_logout_uri",
                client.backchannelLogoutUri(),
                // Stored as latchkey wrote it from a parsed JWK set (Clients.publicJwks): valid JSON to embed.
                "jwks",
                client.jwks() == null ? null : new RawValue(client.jwks()),
                "jwks_uri",
                client.jwksUri(),
                "created",
                client.created().toString());
    }

    private static List<String> strings(JsonNode body, String field) {
        var node = present(body, field);
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidInput("invalid_field", "\"" + field + "\" must be an array of strings");
        }
        // Clients refuses more than it keeps; this only stops a huge array from being copied first.
        if (node.size() > Clients.MAX_URIS) {
            throw new InvalidInput("invalid_field", "\"" + field + "\" holds at most " + Clients.MAX_URIS + " items");
        }
        var out = new ArrayList<String>();
        for (var item : node) {
            if (!item.isTextual()) {
                throw new InvalidInput("invalid_field", "\"" + field + "\" must be an array of strings");
            }
            out.add(item.asText());
        }
        return out;
    }

    private static boolean bool(JsonNode body, String field) {
        var node = present(body, field);
        if (node == null) {
            return false;
        }
        if (!node.isBoolean()) {
            throw new InvalidInput("invalid_field", "\"" + field + "\" must be true or false");
        }
        return node.asBoolean();
    }

    private static String text(JsonNode body, String field) {
        var node = present(body, field);
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidInput("invalid_field", "\"" + field + "\" must be a string");
        }
        return node.asText();
    }

    private static String jwks(JsonNode body) {
        var node = present(body, "jwks");
        if (node == null) {
            return null;
        }
        if (!node.isObject()) {
            throw new InvalidInput("invalid_field", "\"jwks\" must be a JWK set object, {\"keys\": [...]}");
        }
        return node.toString();
    }

    /** The field's node, null when absent; a JSON null is refused, since it could mean "absent" or "none". */
    private static JsonNode present(JsonNode body, String field) {
        var node = body.get(field);
        if (node != null && node.isNull()) {
            throw new InvalidInput("invalid_field", "\"" + field + "\" must not be null: leave it out");
        }
        return node;
    }

    private static Client.AuthMethod authMethod(String wireName) {
        try {
            return Client.AuthMethod.of(wireName);
        } catch (IllegalArgumentException e) {
            throw new InvalidInput(
                    "invalid_client_metadata",
                    "token_endpoint_auth_method is one of client_secret_basic, client_secret_post, private_key_jwt,"
                            + " none");
        }
    }

    /** An unknown field's name goes back in the error: short, and printable only. */
    private static String abbreviated(String name) {
        var clipped = name.length() > 40 ? name.substring(0, 40) + "…" : name;
        return clipped.codePoints()
                .map(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
    }

    private static Map<String, Object> clientSchema() {
        var uris = Schemas.array(Schemas.string());
        return Schemas.object(
                "client_id*", Schemas.string("lkc_…, random"),
                "name*", Schemas.string(),
                "public*", Schemas.bool(),
                "token_endpoint_auth_method*", authMethodSchema(),
                "first_party*", Schemas.bool(),
                "redirect_uris*", uris,
                "post_logout_redirect_uris*", uris,
                "grant_types*", Schemas.array(Schemas.string()),
                "backchannel_logout_uri", Schemas.nullable(Schemas.string()),
                "jwks", Schemas.nullable(Schemas.object("keys*", Schemas.array(Schemas.object()))),
                "jwks_uri", Schemas.nullable(Schemas.string()),
                "created*", Schemas.dateTime());
    }

    private static Map<String, Object> withSecret(Map<String, Object> schema) {
        @SuppressWarnings("unchecked")
        var properties = new LinkedHashMap<>((Map<String, Object>) schema.get("properties"));
        properties.put(
                "client_secret", Schemas.string("Shown once: only its hash is kept. Absent for a public client"));
        var copy = new LinkedHashMap<>(schema);
        copy.put("properties", properties);
        return copy;
    }

    private static Map<String, Object> authMethodSchema() {
        return Map.of(
                "type",
                "string",
                "enum",
                List.of("client_secret_basic", "client_secret_post", "private_key_jwt", "none"));
    }
}
