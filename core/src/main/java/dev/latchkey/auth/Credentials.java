package dev.latchkey.auth;

import dev.latchkey.error.InvalidInput;
import dev.latchkey.password.PasswordBytes;

/**
 * What a client presents to prove who it is. A closed set: each backend picks the kind it understands with
 * {@code instanceof} and answers "not mine" to the rest.
 */
public sealed interface Credentials
        permits Credentials.Password,
                Credentials.ApiToken,
                Credentials.AccessJwt,
                Credentials.SocialCode,
                Credentials.Passkey {

    /** How a sign-in with these proves who it is, as RFC 8176 {@code amr} values; empty for request credentials. */
    default java.util.List<String> amr() {
        return java.util.List.of();
    }

    /**
     * Whether these credentials are multi-factor by themselves (a passkey with user verification), so that a sign-in
     * with them is never asked for a second factor. False unless a kind says so: a new kind is asked by default.
     */
    default boolean multiFactor() {
        return false;
    }

    /** A username and password, as typed. {@code toString} never shows the password. */
    record Password(String username, String password) implements Credentials {
        public Password {
            if (username == null || username.isEmpty()) {
                throw new InvalidInput("invalid_username", "a username is required");
            }
            if (password == null || password.isEmpty()) {
                throw new InvalidInput("invalid_password", "a password is required");
            }
            PasswordBytes.of(password);
        }

        @Override
        public java.util.List<String> amr() {
            return java.util.List.of("pwd");
        }

        @Override
        public String toString() {
            return "Password[username=" + username + ", password=<redacted>]";
        }
    }

    /** An API token key, as sent in {@code Authorization: Token <key>}. {@code toString} never shows it. */
    record ApiToken(String key) implements Credentials {
        @Override
        public String toString() {
            return "ApiToken[key=<redacted>]";
        }
    }

    /**
     * An authorization code from a social-login provider, with what its exchange needs (PKCE verifier, the nonce
     * sent, null if none). {@code toString} never shows the code or the verifier.
     */
    record SocialCode(String provider, String code, String redirectUri, String codeVerifier, String nonce)
            implements Credentials {
        /** RFC 8176 "fed": a federated sign-in, whatever the provider itself asked of the user. */
        @Override
        public java.util.List<String> amr() {
            return java.util.List.of("fed");
        }

        @Override
        public String toString() {
            return "SocialCode[provider=" + provider + ", code=<redacted>]";
        }
    }

    /** A JWT access token, as sent in {@code Authorization: Bearer <jwt>}. {@code toString} never shows it. */
    record AccessJwt(String token) implements Credentials {
        @Override
        public String toString() {
            return "AccessJwt[token=<redacted>]";
        }
    }

    /**
     * A WebAuthn assertion from {@code navigator.credentials.get} (the {@code PublicKeyCredential} JSON of WebAuthn
     * L3), for a passwordless sign-in with a discoverable credential. Nothing in it is a secret, but {@code toString}
     * leaves it out all the same: it is long and says nothing to a reader of a log.
     */
    record Passkey(String assertion) implements Credentials {
        public Passkey {
            if (assertion == null || assertion.isEmpty()) {
                throw new InvalidInput("invalid_credential", "a credential is required");
            }
        }

        /**
         * Passwordless sign-in takes only assertions with user verification: possession of the key and the
         * authenticator's PIN or biometric, two factors in one, so no second factor is asked for.
         */
        @Override
        public boolean multiFactor() {
            return true;
        }

        @Override
        public String toString() {
            return "Passkey[assertion=<" + assertion.length() + " chars>]";
        }
    }
}
