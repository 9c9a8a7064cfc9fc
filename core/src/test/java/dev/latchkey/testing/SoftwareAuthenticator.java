package dev.latchkey.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * A passkey authenticator in software, for tests: one ES256 credential (the JDK's P-256 keys), with the byte layouts
 * of WebAuthn L3 built by hand — authenticator data (§6.1), attested credential data (§6.5.2), a COSE_Key and the
 * "none" attestation object in CBOR (RFC 8949, the few shapes needed) — and the JSON a browser's {@code toJSON()}
 * gives. Every part that a relying party checks can be set wrong on purpose with a {@link Ceremony}.
 */
public final class SoftwareAuthenticator {
    public static final int UP = 0x01;
    public static final int UV = 0x04;
    public static final int BE = 0x08;
    public static final int BS = 0x10;
    private static final int AT = 0x40;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final KeyPair keys;
    private final byte[] credentialId;
    private final int flags;
    private byte[] userHandle;
    private long counter;

    /** A device-bound authenticator (no BE flag) that verifies its user and counts its signatures. */
    public SoftwareAuthenticator() {
        this(UP | UV, 1);
    }

    /** With these authenticator-data flags (UP, UV, BE, BS) and the first counter value (0: it keeps none). */
    public SoftwareAuthenticator(int flags, long firstCounter) {
        try {
            var generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            this.keys = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        this.credentialId = new byte[32];
        new SecureRandom().nextBytes(credentialId);
        this.flags = flags;
        this.counter = firstCounter;
    }

    /** What the relying party is told, and may be told wrong. */
    public record Ceremony(String origin, String rpId, String type, String challenge) {
        public Ceremony withOrigin(String origin) {
            return new Ceremony(origin, rpId, type, challenge);
        }

        public Ceremony withRpId(String rpId) {
            return new Ceremony(origin, rpId, type, challenge);
        }

        public Ceremony withType(String type) {
            return new Ceremony(origin, rpId, type, challenge);
        }

        public Ceremony withChallenge(String challenge) {
            return new Ceremony(origin, rpId, type, challenge);
        }
    }

    /** The ceremony that {@code options} (creation or request options JSON) ask for, at {@code origin}. */
    public static Ceremony ceremony(JsonNode options, String origin, boolean create) {
        var rpId = options.has("rp")
                ? options.get("rp").get("id").asText()
                : options.get("rpId").asText();
        return new Ceremony(
                origin,
                rpId,
                create ? "webauthn.create" : "webauthn.get",
                options.get("challenge").asText());
    }

    public String credentialId() {
        return B64.encodeToString(credentialId);
    }

    public long counter() {
        return counter;
    }

    /** Sets the next counter value to sign with (lower than the last one: a cloned authenticator). */
    public void counter(long next) {
        this.counter = next;
    }

    /** {@code navigator.credentials.create(options)}: the registration response JSON. */
    public String register(JsonNode options, String origin) {
        return register(
                ceremony(options, origin, true), options.get("user").get("id").asText());
    }

    public String register(Ceremony ceremony, String userHandle) {
        this.userHandle = Base64.getUrlDecoder().decode(userHandle);
        var clientData = clientData(ceremony);
        var authData = authenticatorData(ceremony.rpId(), flags | AT, true);
        var attestation = new Cbor()
                .map(3)
                .text("fmt")
                .text("none")
                .text("attStmt")
                .map(0)
                .text("authData")
                .bytes(authData)
                .toBytes();
        var response = JSON.createObjectNode();
        response.put("clientDataJSON", B64.encodeToString(clientData));
        response.put("attestationObject", B64.encodeToString(attestation));
        response.putArray("transports").add("internal");
        return credential(response).toString();
    }

    /** {@code navigator.credentials.get(options)}: the assertion JSON, signed. */
    public String assertion(JsonNode options, String origin) {
        return assertion(ceremony(options, origin, false), false);
    }

    /** An assertion for this ceremony; {@code badSignature} flips a bit of what is signed. */
    public String assertion(Ceremony ceremony, boolean badSignature) {
        var clientData = clientData(ceremony);
        var authData = authenticatorData(ceremony.rpId(), flags, false);
        byte[] signed;
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(clientData);
            var message = ByteBuffer.allocate(authData.length + digest.length)
                    .put(authData)
                    .put(digest)
                    .array();
            if (badSignature) {
                message[0] ^= 1;
            }
            var signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign(keys.getPrivate());
            signature.update(message);
            signed = signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        var response = JSON.createObjectNode();
        response.put("clientDataJSON", B64.encodeToString(clientData));
        response.put("authenticatorData", B64.encodeToString(authData));
        response.put("signature", B64.encodeToString(signed));
        if (userHandle != null) {
            response.put("userHandle", B64.encodeToString(userHandle));
        }
        return credential(response).toString();
    }

    private ObjectNode credential(ObjectNode response) {
        var credential = JSON.createObjectNode();
        credential.put("id", credentialId());
        credential.put("rawId", credentialId());
        credential.put("type", "public-key");
        credential.set("response", response);
        credential.putObject("clientExtensionResults");
        credential.put("authenticatorAttachment", "platform");
        return credential;
    }

    private static byte[] clientData(Ceremony ceremony) {
        var data = JSON.createObjectNode();
        data.put("type", ceremony.type());
        data.put("challenge", ceremony.challenge());
        data.put("origin", ceremony.origin());
        data.put("crossOrigin", false);
        return data.toString().getBytes(StandardCharsets.UTF_8);
    }

    private byte[] authenticatorData(String rpId, int flags, boolean attested) {
        var out = new ByteArrayOutputStream();
        try {
            out.writeBytes(MessageDigest.getInstance("SHA-256").digest(rpId.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        out.write(flags);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) counter).array());
        if (attested) {
            out.writeBytes(new byte[16]); // AAGUID: this model says nothing about itself
            out.write(credentialId.length >> 8);
            out.write(credentialId.length & 0xff);
            out.writeBytes(credentialId);
            out.writeBytes(coseKey());
        }
        counter++;
        return out.toByteArray();
    }

    /** The public key as a COSE_Key: kty EC2, alg ES256, crv P-256, x, y (RFC 9053 §7.1). */
    private byte[] coseKey() {
        var point = ((ECPublicKey) keys.getPublic()).getW();
        return new Cbor()
                .map(5)
                .integer(1)
                .integer(2)
                .integer(3)
                .integer(-7)
                .integer(-1)
                .integer(1)
                .integer(-2)
                .bytes(unsigned32(point.getAffineX()))
                .integer(-3)
                .bytes(unsigned32(point.getAffineY()))
                .toBytes();
    }

    private static byte[] unsigned32(BigInteger value) {
        var bytes = value.toByteArray();
        var out = new byte[32];
        int copy = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - copy, out, 32 - copy, copy);
        return out;
    }

    /** The few CBOR shapes a COSE key and an attestation object need (RFC 8949 §3). */
    public static final class Cbor {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Cbor map(int entries) {
            return head(5, entries);
        }

        public Cbor text(String text) {
            var bytes = text.getBytes(StandardCharsets.UTF_8);
            head(3, bytes.length);
            out.writeBytes(bytes);
            return this;
        }

        public Cbor bytes(byte[] bytes) {
            head(2, bytes.length);
            out.writeBytes(bytes);
            return this;
        }

        public Cbor integer(long value) {
            return value >= 0 ? head(0, value) : head(1, -1 - value);
        }

        public byte[] toBytes() {
            return out.toByteArray();
        }

        private Cbor head(int major, long argument) {
            if (argument < 24) {
                out.write(major << 5 | (int) argument);
            } else if (argument < 0x100) {
                out.write(major << 5 | 24);
                out.write((int) argument);
            } else if (argument < 0x10000) {
                out.write(major << 5 | 25);
                out.writeBytes(ByteBuffer.allocate(2).putShort((short) argument).array());
            } else {
                out.write(major << 5 | 26);
                out.writeBytes(ByteBuffer.allocate(4).putInt((int) argument).array());
            }
            return this;
        }
    }
}
