package dev.latchkey.webauthn;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One registered WebAuthn credential of a user, as stored. The public key is public: nothing here is a secret.
 *
 * @param id             latchkey's own id of it, for renaming and removing
 * @param credentialId   the authenticator's credential id, base64url without padding
 * @param publicKeyCose  the credential public key as the authenticator sent it (a COSE_Key, CBOR)
 * @param signCount      the highest signature counter seen (0 for authenticators that keep none)
 * @param transports     what the browser said the authenticator can be reached by ("internal", "usb", "hybrid", …)
 * @param uvInitialized  user verification was done at registration
 * @param backupEligible the authenticator may sync it to other devices (the BE flag): a synced passkey
 * @param backedUp       it is backed up now (the BS flag)
 * @param aaguid         the authenticator model's AAGUID (all zeros when it does not say)
 * @param lastUsed       when it last proved a sign-in, or null
 */
// The key's bytes are copied in and out, and equality is by id: the array cannot be shared or compared by accident.
@SuppressWarnings("ArrayRecordComponent")
public record Passkey(
        long id,
        long userId,
        String credentialId,
        byte[] publicKeyCose,
        long signCount,
        List<String> transports,
        boolean uvInitialized,
        boolean backupEligible,
        boolean backedUp,
        String aaguid,
        String name,
        Instant created,
        Instant lastUsed) {
    public Passkey {
        Objects.requireNonNull(credentialId, "credentialId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(created, "created");
        publicKeyCose = publicKeyCose.clone();
        transports = List.copyOf(transports);
    }

    @Override
    public byte[] publicKeyCose() {
        return publicKeyCose.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Passkey p && p.id == id && p.credentialId.equals(credentialId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, credentialId);
    }

    @Override
    public String toString() {
        return "Passkey[id=" + id + ", userId=" + userId + ", name=" + name + "]";
    }
}
