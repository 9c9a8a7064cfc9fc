package dev.latchkey.server.web.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The OpenAPI 3.1 document of the HTTP surface, generated from the routes as registered — each route's
 * {@link Policy} (as security requirements and the answers it implies) and its {@link Doc} — so it describes exactly
 * what is served. Served at {@code GET /api/openapi.json}.
 */
public final class OpenApi {
    /**
     * Every {@code error} code a JSON answer may carry. {@code OpenApiTest} reads the sources for the codes the
     * exceptions are made with and fails when one is missing here.
     */
    public static final List<String> ERROR_CODES = List.of(
            "access_denied",
            "body_too_large",
            "busy",
            "client_not_found",
            "consent_required",
            "cors_refused",
            "csrf_failed",
            "email_not_verified",
            "group_exists",
            "insufficient_scope",
            "interaction_required",
            "internal_error",
            "invalid_client",
            "invalid_client_metadata",
            "invalid_code",
            "invalid_credential",
            "invalid_credentials",
            "invalid_email",
            "invalid_expiry",
            "invalid_field",
            "invalid_grant",
            "invalid_group",
            "invalid_input",
            "invalid_mfa_code",
            "invalid_mfa_token",
            "invalid_name",
            "invalid_parameter",
            "invalid_password",
            "invalid_redirect_uri",
            "invalid_request",
            "invalid_scope",
            "invalid_token",
            "invalid_user",
            "invalid_username",
            "invitation_required",
            "last_sign_in_method",
            "login_required",
            "mail_off",
            "malformed_cookie",
            "malformed_form",
            "malformed_json",
            "method_not_allowed",
            "mfa_enrollment_required",
            "mfa_required",
            "missing_field",
            "no_factor",
            "no_secret",
            "no_such_factor",
            "no_such_group",
            "no_such_passkey",
            "no_such_session",
            "no_such_token",
            "no_such_user",
            "not_authenticated",
            "not_found",
            "nothing_pending",
            "nothing_to_verify",
            "passkey_exists",
            "permission_denied",
            "provider_failed",
            "reauthentication_required",
            "redirect_uri_not_allowed",
            "request_not_supported",
            "request_timeout",
            "request_uri_not_supported",
            "signup_closed",
            "social_account_taken",
            "social_login_failed",
            "starting",
            "store_unavailable",
            "temporarily_unavailable",
            "throttled",
            "totp_enabled",
            "unauthorized_client",
            "unknown_provider",
            "unsupported_grant_type",
            "unsupported_media_type",
            "unsupported_method",
            "unsupported_response_type",
            "unsupported_token_type",
            "username_taken",
            "username_unavailable",
            "weak_password",
            "wrong_secret");

    private static final Map<Integer, String> ERROR_MEANINGS = Map.ofEntries(
            Map.entry(400, "Bad input: a malformed body, query, cookie or field (the code says which)"),
            Map.entry(
                    401,
                    "Not signed in by a proof this route takes, or a presented token is not valid (`WWW-Authenticate`)"),
            Map.entry(403, "Refused: CSRF token or origin (`csrf_failed`), staff only (`permission_denied`), or CORS"),
            Map.entry(404, "No such thing here"),
            Map.entry(408, "The body did not arrive within `server.body_timeout`"),
            Map.entry(409, "Clashes with what is stored"),
            Map.entry(413, "The body is over 64 KiB"),
            Map.entry(415, "The body is not of the type this route reads"),
            Map.entry(429, "Too many failed sign-ins; `Retry-After` says when to try again"),
            Map.entry(503, "Busy, starting, or the database did not answer; try again"));

    private OpenApi() {}

    /** The document for these routes; {@code version} is latchkey's. */
    public static Map<String, Object> document(List<Router.Route> routes, String version) {
        var paths = new TreeMap<String, Map<String, Object>>();
        for (var route : routes) {
            var doc = route.doc();
            var path = route.template()
                    .replace("{}", "{" + (doc == null || doc.param() == null ? "param" : doc.param()) + "}");
            paths.computeIfAbsent(path, p -> new LinkedHashMap<>())
                    .put(route.method().toLowerCase(Locale.ROOT), operation(route));
        }
        var document = new LinkedHashMap<String, Object>();
        document.put("openapi", "3.1.0");
        document.put(
                "info",
                Map.of(
                        "title",
                        "latchkey",
                        "version",
                        version,
                        "description",
                        "Sessions, API tokens and JWTs for web apps, SPAs and mobile apps. Every error is"
                                + " `{\"error\": code, \"detail\": text}`; every answer that depends on a credential"
                                + " is `Cache-Control: no-store`."));
        document.put("servers", List.of(Map.of("url", "/")));
        document.put("paths", paths);
        document.put("components", components());
        return document;
    }

    private static Map<String, Object> operation(Router.Route route) {
        var doc = route.doc();
        var policy = route.policy();
        var op = new LinkedHashMap<String, Object>();
        op.put("operationId", operationId(route));
        op.put("summary", doc == null ? "" : doc.summary());
        if (doc != null && !doc.description().isEmpty()) {
            op.put("description", doc.description());
        }
        op.put("tags", List.of(tag(route)));
        var parameters = new ArrayList<Object>();
        if (route.template().contains("{}")) {
            parameters.add(Map.of(
                    "name",
                    doc == null || doc.param() == null ? "param" : doc.param(),
                    "in",
                    "path",
                    "required",
                    true,
                    "description",
                    doc == null || doc.paramDescription() == null ? "" : doc.paramDescription(),
                    "schema",
                    Schemas.string()));
        }
        if (doc != null) {
            for (var query : doc.queries()) {
                parameters.add(Map.of(
                        "name",
                        query.name(),
                        "in",
                        "query",
                        "description",
                        query.description(),
                        "schema",
                        Schemas.string()));
            }
        }
        if (!parameters.isEmpty()) {
            op.put("parameters", parameters);
        }
        if (doc != null && doc.body() != null) {
            op.put(
                    "requestBody",
                    Map.of("required", true, "content", Map.of(doc.bodyType(), Map.of("schema", doc.body()))));
        }
        op.put("security", security(route));
        op.put("responses", responses(route));
        if (policy.page()) {
            op.put("x-latchkey-page", true);
        }
        return op;
    }

    /** The security requirements of the policy's proofs: any one of them (and {@code {}} when anyone may call). */
    private static List<Object> security(Router.Route route) {
        var policy = route.policy();
        var requirements = new ArrayList<Object>();
        var unsafe = !(route.method().equals("GET") || route.method().equals("HEAD"));
        if (policy.proofs().contains(Policy.Proof.HEADER)) {
            requirements.add(Map.of("apiToken", List.of()));
            requirements.add(Map.of("bearerJwt", List.of()));
        }
        if (policy.proofs().contains(Policy.Proof.COOKIE)) {
            requirements.add(
                    unsafe
                            ? Map.of("sessionCookie", List.of(), "csrfToken", List.of())
                            : Map.of("sessionCookie", List.of()));
        }
        if (policy.access() == Policy.Access.ANYONE) {
            requirements.add(Map.of());
        }
        return requirements;
    }

    /** The route's own answers, and those its policy implies. */
    private static Map<String, Object> responses(Router.Route route) {
        var policy = route.policy();
        var answers = new TreeMap<Integer, Doc.Answer>();
        if (route.doc() != null) {
            answers.putAll(route.doc().answers());
        }
        var statuses = new ArrayList<Integer>(List.of(400, 503));
        var unsafe = !(route.method().equals("GET") || route.method().equals("HEAD"));
        if (unsafe) {
            statuses.addAll(List.of(408, 413, 415));
            if (policy.page()
                    || policy.proofs().contains(Policy.Proof.COOKIE)
                    || policy.proofs().contains(Policy.Proof.BODY)) {
                statuses.add(403);
            }
        }
        if (policy.proofs().contains(Policy.Proof.HEADER)) {
            statuses.add(401);
        }
        if (policy.access() != Policy.Access.ANYONE) {
            if (policy.page()) {
                answers.putIfAbsent(303, new Doc.Answer(303, "Not signed in: to the sign-in page", null, null));
            } else {
                statuses.add(401);
            }
        }
        if (policy.access() == Policy.Access.STAFF) {
            statuses.add(403);
        }
        if (route.template().contains("{}")) {
            statuses.add(404);
        }
        for (int status : statuses) {
            answers.putIfAbsent(status, new Doc.Answer(status, null, "application/json", Schemas.ref("Error")));
        }
        var out = new LinkedHashMap<String, Object>();
        answers.forEach((status, answer) -> {
            var response = new LinkedHashMap<String, Object>();
            var description = answer.description() != null
                    ? answer.description()
                    : ERROR_MEANINGS.getOrDefault(status, "An error");
            response.put("description", description);
            if (answer.mediaType() != null) {
                response.put("content", Map.of(answer.mediaType(), Map.of("schema", answer.schema())));
            }
            out.put(Integer.toString(status), response);
        });
        return out;
    }

    private static String operationId(Router.Route route) {
        var words = route.template().replace("{}", "by_param").replaceAll("[^A-Za-z0-9]+", "_");
        return (route.method().toLowerCase(Locale.ROOT) + "_" + words)
                .replaceAll("_+$", "")
                .replaceAll("_+", "_");
    }

    private static String tag(Router.Route route) {
        if (route.policy().page()) {
            return "pages";
        }
        var parts = route.template().split("/", -1);
        return parts.length > 2 && parts[1].equals("api") ? parts[2] : parts.length > 1 ? parts[1] : "latchkey";
    }

    private static Map<String, Object> components() {
        var schemas = new LinkedHashMap<String, Object>();
        schemas.put(
                "Error",
                Map.of(
                        "type",
                        "object",
                        "description",
                        "Every error latchkey answers in JSON.",
                        "required",
                        List.of("error", "detail"),
                        "properties",
                        Map.of(
                                "error",
                                Map.of("type", "string", "enum", ERROR_CODES),
                                "detail",
                                Schemas.string("For people; precise about format, vague about secrets"))));
        schemas.put(
                "Factor",
                Schemas.object(
                        "method*", Schemas.string("totp, recovery, webauthn, …"),
                        "id*", Schemas.string(),
                        "label*", Schemas.string(),
                        "created*", Schemas.dateTime(),
                        "last_used", Schemas.nullable(Schemas.dateTime())));
        schemas.put(
                "User",
                Schemas.object(
                        "id*", Schemas.integer(),
                        "username*", Schemas.string(),
                        "email*", Schemas.string(),
                        "email_verified", Schemas.bool(),
                        "is_active*", Schemas.bool(),
                        "is_staff*", Schemas.bool(),
                        "is_superuser*", Schemas.bool(),
                        "date_joined*", Schemas.dateTime(),
                        "last_login", Schemas.nullable(Schemas.dateTime()),
                        "groups", Schemas.array(Schemas.string())));
        schemas.put(
                "Session",
                Schemas.object(
                        "id*", Schemas.string(),
                        "user_agent", Schemas.string(),
                        "ip", Schemas.string(),
                        "created", Schemas.dateTime(),
                        "last_seen", Schemas.dateTime(),
                        "expires", Schemas.dateTime(),
                        "current", Schemas.bool()));
        schemas.put(
                "ApiToken",
                Schemas.object(
                        "id*", Schemas.integer(),
                        "name*", Schemas.string(),
                        "prefix", Schemas.string(),
                        "created", Schemas.dateTime(),
                        "expires_at", Schemas.nullable(Schemas.dateTime()),
                        "last_used", Schemas.nullable(Schemas.dateTime()),
                        "created_by", Map.of("type", "string", "enum", List.of("user", "operator", "django"))));
        schemas.put(
                "TokenPair",
                Schemas.object(
                        "access*", Schemas.string("A JWT access token (RFC 9068 at+jwt)"),
                        "refresh*", Schemas.string("An opaque refresh token, lkr_…; spent by its use"),
                        "token_type*", Map.of("type", "string", "const", "Bearer"),
                        "expires_in*", Schemas.integer(),
                        "refresh_expires_in", Schemas.integer()));
        schemas.put(
                "Group",
                Schemas.object(
                        "id*", Schemas.integer(),
                        "name*", Schemas.string(),
                        "members", Schemas.integer(),
                        "created", Schemas.dateTime()));
        var security = new LinkedHashMap<String, Object>();
        security.put(
                "sessionCookie",
                Map.of(
                        "type",
                        "apiKey",
                        "in",
                        "cookie",
                        "name",
                        "__Host-lk_session",
                        "description",
                        "The session cookie (lk_session over plain HTTP)"));
        security.put(
                "csrfToken",
                Map.of(
                        "type",
                        "apiKey",
                        "in",
                        "header",
                        "name",
                        "X-CSRF-Token",
                        "description",
                        "With the cookie on unsafe methods: the csrf_token of POST or GET /api/session"));
        security.put(
                "apiToken",
                Map.of(
                        "type",
                        "apiKey",
                        "in",
                        "header",
                        "name",
                        "Authorization",
                        "description",
                        "`Token <key>` (DRF's scheme): an lk_ key, or an imported DRF key"));
        security.put(
                "bearerJwt",
                Map.of(
                        "type",
                        "http",
                        "scheme",
                        "bearer",
                        "bearerFormat",
                        "JWT",
                        "description",
                        "A JWT access token from POST /api/jwt, verifiable with /.well-known/jwks.json"));
        return Map.of("schemas", schemas, "securitySchemes", security);
    }
}
