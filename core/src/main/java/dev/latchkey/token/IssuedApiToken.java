package dev.latchkey.token;

/** A new token with its key, answered once: the key is shown to its owner and stored nowhere. */
public record IssuedApiToken(ApiToken token, String key) {
    @Override
    public String toString() {
        return "IssuedApiToken[token=" + token + ", key=<redacted>]";
    }
}
