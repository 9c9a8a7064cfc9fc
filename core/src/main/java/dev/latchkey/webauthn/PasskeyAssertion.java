package dev.latchkey.webauthn;

import dev.latchkey.user.User;
import java.util.ArrayList;
import java.util.List;

/**
 * A verified passkey assertion: whose passkey, which one, and whether the authenticator verified the user (a PIN or
 * a biometric on the device) rather than only saw them present.
 */
public record PasskeyAssertion(User user, Passkey passkey, boolean userVerified) {

    /**
     * RFC 8176 {@code amr} values: {@code hwk} for a device-bound key (proof of possession of a hardware-secured
     * key), {@code swk} for one whose backup-eligible flag says it may be synced to other devices (the key then also
     * lives outside the hardware, RFC 8176 §2 "software-secured key"); plus {@code user} when the user was verified.
     * RFC 8176 has no value for "a PIN or a biometric, the authenticator does not say which", so {@code user}
     * (§2: "user presence test ... evidence that the end user is present and interacting with the device") is the
     * one that claims no more than is known.
     */
    public List<String> amr() {
        var amr = new ArrayList<String>();
        amr.add(passkey.backupEligible() ? "swk" : "hwk");
        if (userVerified) {
            amr.add("user");
        }
        return List.copyOf(amr);
    }

    /**
     * Two factors in one: something held (the key) and something known or been (the verification that unlocked
     * it). A passwordless sign-in always is, since it requires verification; a second factor need not be asked of it.
     */
    public boolean multiFactor() {
        return userVerified;
    }
}
