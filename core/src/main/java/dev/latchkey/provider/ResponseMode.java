package dev.latchkey.provider;

/** How the authorization answer reaches the client: in the redirect's query, or as an auto-submitted form POST. */
public enum ResponseMode {
    QUERY,
    FORM_POST;

    public static ResponseMode of(String value) {
        return switch (value == null ? "query" : value) {
            case "query" -> QUERY;
            case "form_post" -> FORM_POST;
            default -> null;
        };
    }
}
