package dev.latchkey.provider;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A checked authorization request (OAuth 2.1 with PKCE, OpenID Connect Core §3.1.2.1), from the parameters of a GET
 * or POST to the authorization endpoint. The client and its redirect URI are checked first, before anything else is
 * read; a failure there is a {@link BadAuthorizationRequest} (a page, never a redirect). Every later failure is a
 * {@link RedirectableError} back to that registered URI.
 *
 * @param prompt  the {@code prompt} values (none, login, consent, select_account)
 * @param maxAge  seconds since the last authentication that the client accepts, or null
 * @param params  the request's parameters as received, to carry through the sign-in and consent pages
 */
public record AuthorizationRequest(
        Client client,
        String redirectUri,
        String state,
        ResponseMode responseMode,
        Scopes scopes,
        String nonce,
        String codeChallenge,
        Set<String> prompt,
        Long maxAge,
        String loginHint,
        String uiLocales,
        List<String> acrValues,
        Map<String, String> params) {
    public static final int MAX_PARAM = 2000;
    private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final Set<String> PROMPTS = Set.of("none", "login", "consent", "select_account");
    /** The acr value that asks for a second factor (the only one besides the default). */
    public static final String ACR_MFA = "mfa";
    /**
     * latchkey's own parameter, carried through a re-authentication that {@code prompt=login} asked for: the sign-in
     * must be at least this recent (epoch seconds). A client that sends it can only ask for more, never less.
     */
    public static final String LOGIN_AFTER = "login_after";

    public AuthorizationRequest {
        prompt = Set.copyOf(prompt);
        acrValues = List.copyOf(acrValues);
        params = Map.copyOf(params);
    }

    public boolean prompts(String value) {
        return prompt.contains(value);
    }

    public boolean wantsSecondFactor() {
        return acrValues.contains(ACR_MFA);
    }

    /** Checks {@code params} (one value per name: the caller refuses repeated names) against the registry. */
    public static AuthorizationRequest parse(Map<String, String> params, Clients clients) {
        for (var entry : params.entrySet()) {
            if (entry.getValue().length() > MAX_PARAM) {
                throw new BadAuthorizationRequest(
                        "the parameter " + clip(entry.getKey()) + " is longer than " + MAX_PARAM + " characters");
            }
        }
        var clientId = params.get("client_id");
        if (clientId == null || clientId.isEmpty()) {
            throw new BadAuthorizationRequest("client_id is missing");
        }
        var client = clients.find(clientId).orElseThrow(() -> new BadAuthorizationRequest("unknown client"));
        var redirectUri = params.get("redirect_uri");
        if (redirectUri == null || redirectUri.isEmpty()) {
            throw new BadAuthorizationRequest("redirect_uri is missing");
        }
        if (!RedirectUris.matches(client.redirectUris(), redirectUri)) {
            throw new BadAuthorizationRequest("redirect_uri is not registered for this client");
        }
        var state = params.get("state");
        var mode = ResponseMode.of(params.get("response_mode"));
        if (mode == null) {
            throw new RedirectableError(
                    new OAuthError(OAuthError.INVALID_REQUEST, "response_mode is query or form_post"),
                    redirectUri,
                    state,
                    ResponseMode.QUERY);
        }
        try {
            return checked(params, client, redirectUri, state, mode);
        } catch (OAuthError e) {
            throw new RedirectableError(e, redirectUri, state, mode);
        }
    }

    private static AuthorizationRequest checked(
            Map<String, String> params, Client client, String redirectUri, String state, ResponseMode mode) {
        if (params.containsKey("request")) {
            throw new OAuthError("request_not_supported", "request objects are not supported");
        }
        if (params.containsKey("request_uri")) {
            throw new OAuthError("request_uri_not_supported", "request_uri is not supported");
        }
        var responseType = params.get("response_type");
        if (responseType == null) {
            throw new OAuthError(OAuthError.INVALID_REQUEST, "response_type is missing");
        }
        if (!responseType.equals("code")) {
            throw new OAuthError(OAuthError.UNSUPPORTED_RESPONSE_TYPE, "only response_type=code is supported");
        }
        if (!client.allows(Client.AUTHORIZATION_CODE)) {
            throw new OAuthError(OAuthError.UNAUTHORIZED_CLIENT, "this client may not use the authorization code");
        }
        var challenge = params.get("code_challenge");
        var method = params.get("code_challenge_method");
        if (challenge == null) {
            throw new OAuthError(OAuthError.INVALID_REQUEST, "PKCE is required: send code_challenge (S256)");
        }
        if (!"S256".equals(method)) {
            throw new OAuthError(OAuthError.INVALID_REQUEST, "code_challenge_method must be S256");
        }
        if (!CHALLENGE.matcher(challenge).matches()) {
            throw new OAuthError(OAuthError.INVALID_REQUEST, "code_challenge is 43 base64url characters");
        }
        var scopes = Scopes.parse(params.get("scope"));
        var prompt = params.getOrDefault("prompt", "");
        // A HashSet, not Set.of: a value given twice ("login login") is no reason to fail with anything but OAuth's
        // error.
        var prompts = prompt.isEmpty() ? Set.<String>of() : new java.util.HashSet<>(List.of(prompt.split(" ", -1)));
        for (var value : prompts) {
            if (!PROMPTS.contains(value)) {
                throw new OAuthError(OAuthError.INVALID_REQUEST, "unknown prompt value");
            }
        }
        if (prompts.contains("none") && prompts.size() > 1) {
            throw new OAuthError(OAuthError.INVALID_REQUEST, "prompt=none goes alone");
        }
        Long maxAge = null;
        var maxAgeText = params.get("max_age");
        if (maxAgeText != null) {
            if (!maxAgeText.matches("[0-9]{1,9}")) {
                throw new OAuthError(OAuthError.INVALID_REQUEST, "max_age is a number of seconds");
            }
            maxAge = Long.parseLong(maxAgeText);
        }
        var acr = params.getOrDefault("acr_values", "");
        var nonce = params.get("nonce");
        if (nonce != null && nonce.length() > 512) {
            throw new OAuthError(OAuthError.INVALID_REQUEST, "nonce is longer than 512 characters");
        }
        if (state != null && state.length() > 1000) {
            throw new OAuthError(OAuthError.INVALID_REQUEST, "state is longer than 1000 characters");
        }
        var carried = new LinkedHashMap<String, String>();
        for (var name : List.of(
                "client_id",
                "redirect_uri",
                "response_type",
                "response_mode",
                "scope",
                "state",
                "nonce",
                "code_challenge",
                "code_challenge_method",
                "prompt",
                "max_age",
                "login_hint",
                "ui_locales",
                "acr_values",
                LOGIN_AFTER)) {
            if (params.containsKey(name)) {
                carried.put(name, params.get(name));
            }
        }
        return new AuthorizationRequest(
                client,
                redirectUri,
                state,
                mode,
                scopes,
                nonce,
                challenge,
                prompts,
                maxAge,
                params.get("login_hint"),
                params.get("ui_locales"),
                acr.isEmpty() ? List.of() : List.of(acr.split(" ", -1)),
                carried);
    }

    private static String clip(String name) {
        return name.length() > 40 ? name.substring(0, 40) : name;
    }
}
