package dev.latchkey.webauthn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The options the browser passes to {@code navigator.credentials.create} and {@code .get}, in the JSON form of
 * WebAuthn L3 ({@code PublicKeyCredentialCreationOptionsJSON}, {@code …RequestOptionsJSON}): binary values are
 * base64url, so {@code PublicKeyCredential.parseCreationOptionsFromJSON} takes them as they are.
 */
final class Options {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private Options() {}

    /**
     * Registration: attestation "none" (latchkey trusts no authenticator model more than another, so it asks for no
     * proof of model, and the browser shows no privacy prompt); a discoverable credential ("resident key required")
     * so that it also signs in without a username; user verification "preferred", so that a security key without
     * a PIN can still serve as a second factor (passwordless sign-in requires verification on each use instead).
     */
    static ObjectNode creation(
            WebAuthnSettings settings, String userHandle, String username, String challenge, List<Passkey> existing) {
        var options = JSON.objectNode();
        options.putObject("rp").put("id", settings.rpId()).put("name", settings.rpName());
        options.putObject("user").put("id", userHandle).put("name", username).put("displayName", username);
        options.put("challenge", challenge);
        var algorithms = options.putArray("pubKeyCredParams");
        for (var alg : Ceremonies.ALGORITHMS) {
            algorithms.addObject().put("type", "public-key").put("alg", alg);
        }
        options.put("timeout", settings.challengeLifetime().toMillis());
        credentials(options.putArray("excludeCredentials"), existing);
        options.putObject("authenticatorSelection")
                .put("residentKey", "required")
                .put("requireResidentKey", true)
                .put("userVerification", "preferred");
        options.put("attestation", "none");
        options.putObject("extensions").put("credProps", true);
        return options;
    }

    /**
     * Authentication: with the user's credentials listed when the user is known (a second factor, verification
     * "preferred"), or none listed for a discoverable credential (passwordless, verification "required").
     */
    static ObjectNode request(
            WebAuthnSettings settings, String challenge, List<Passkey> allowed, boolean passwordless) {
        var options = JSON.objectNode();
        options.put("challenge", challenge);
        options.put("timeout", settings.challengeLifetime().toMillis());
        options.put("rpId", settings.rpId());
        credentials(options.putArray("allowCredentials"), allowed);
        options.put("userVerification", passwordless ? "required" : "preferred");
        return options;
    }

    private static void credentials(com.fasterxml.jackson.databind.node.ArrayNode into, List<Passkey> passkeys) {
        for (var passkey : passkeys) {
            var descriptor = into.addObject().put("type", "public-key").put("id", passkey.credentialId());
            if (!passkey.transports().isEmpty()) {
                var transports = descriptor.putArray("transports");
                passkey.transports().forEach(transports::add);
            }
        }
    }
}
