package dev.latchkey.webauthn;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.AttestedCredentialDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticatorTransport;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.verifier.exception.BadChallengeException;
import com.webauthn4j.verifier.exception.BadOriginException;
import com.webauthn4j.verifier.exception.BadRpIdException;
import com.webauthn4j.verifier.exception.BadSignatureException;
import com.webauthn4j.verifier.exception.InconsistentClientDataTypeException;
import com.webauthn4j.verifier.exception.MaliciousCounterValueException;
import com.webauthn4j.verifier.exception.UserNotPresentException;
import com.webauthn4j.verifier.exception.UserNotVerifiedException;
import com.webauthn4j.verifier.exception.VerificationException;
import dev.latchkey.error.InvalidInput;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The only class that speaks webauthn4j: it parses the browser's JSON and checks it, and turns what webauthn4j
 * says into latchkey's own values and errors. Malformed input (JSON, base64url, CBOR, clientDataJSON) becomes
 * {@link InvalidInput}; a well-formed response that does not verify becomes {@link Refused} with a reason for the
 * audit trail.
 */
final class Ceremonies {
    /** ES256, EdDSA and RS256: what every platform authenticator and security key offers, strongest first. */
    static final List<Long> ALGORITHMS = List.of(-7L, -8L, -257L);

    private final WebAuthnManager manager = WebAuthnManager.createNonStrictWebAuthnManager();
    private final ObjectConverter converter = new ObjectConverter();
    private final AttestedCredentialDataConverter attested = new AttestedCredentialDataConverter(converter);
    private final List<PublicKeyCredentialParameters> parameters = ALGORITHMS.stream()
            .map(alg -> new PublicKeyCredentialParameters(
                    PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.create(alg)))
            .toList();
    private final Set<Origin> origins;
    private final String rpId;

    Ceremonies(WebAuthnSettings settings) {
        this.rpId = settings.rpId();
        this.origins = settings.origins().stream().map(Origin::new).collect(Collectors.toUnmodifiableSet());
    }

    /** What a registration proved, in latchkey's words. Read once, never shared: arrays are fine here. */
    @SuppressWarnings("ArrayRecordComponent")
    record NewCredential(
            String credentialId,
            byte[] publicKeyCose,
            long signCount,
            List<String> transports,
            boolean userVerified,
            boolean backupEligible,
            boolean backedUp,
            String aaguid) {}

    /** What an assertion says before it is checked: which credential, which challenge, which user handle. */
    @SuppressWarnings("ArrayRecordComponent")
    record Assertion(String credentialId, byte[] challenge, byte[] userHandle, AuthenticationData parsed) {}

    /** What a checked assertion proved. */
    record Checked(long signCount, boolean userVerified, boolean backedUp) {}

    /** A well-formed response that does not verify. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String reason;

        Refused(String reason, Throwable cause) {
            super(reason, cause, false, false);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }

    /** The challenge the registration response answers, read before anything is checked. */
    RegistrationData parseRegistration(String json) {
        try {
            var data = manager.parseRegistrationResponseJSON(json);
            if (data.getCollectedClientData() == null
                    || data.getCollectedClientData().getChallenge() == null
                    || data.getAttestationObject() == null) {
                throw malformed();
            }
            return data;
        } catch (RuntimeException e) {
            throw e instanceof InvalidInput ? e : malformed();
        }
    }

    static byte[] challengeOf(RegistrationData data) {
        return data.getCollectedClientData().getChallenge().getValue();
    }

    /** Checks a parsed registration against the challenge issued for it; attestation "none" only matters. */
    NewCredential verifyRegistration(RegistrationData data, byte[] challenge) {
        var parameters = new RegistrationParameters(serverProperty(challenge), this.parameters, false, true);
        try {
            manager.verify(data, parameters);
        } catch (VerificationException e) {
            throw new Refused(reason(e), e);
        } catch (RuntimeException e) {
            throw malformed();
        }
        var authenticatorData = data.getAttestationObject().getAuthenticatorData();
        var credential = authenticatorData.getAttestedCredentialData();
        var transports = data.getTransports() == null
                ? List.<String>of()
                : data.getTransports().stream()
                        .map(AuthenticatorTransport::getValue)
                        .sorted()
                        .toList();
        return new NewCredential(
                encode(credential.getCredentialId()),
                converter.getCborMapper().writeValueAsBytes(credential.getCOSEKey()),
                authenticatorData.getSignCount(),
                transports,
                authenticatorData.isFlagUV(),
                authenticatorData.isFlagBE(),
                authenticatorData.isFlagBS(),
                credential.getAaguid().getValue().toString());
    }

    Assertion parseAssertion(String json) {
        try {
            var data = manager.parseAuthenticationResponseJSON(json);
            if (data.getCredentialId() == null
                    || data.getCollectedClientData() == null
                    || data.getCollectedClientData().getChallenge() == null
                    || data.getAuthenticatorData() == null
                    || data.getSignature() == null) {
                throw malformed();
            }
            return new Assertion(
                    encode(data.getCredentialId()),
                    data.getCollectedClientData().getChallenge().getValue(),
                    data.getUserHandle(),
                    data);
        } catch (RuntimeException e) {
            throw e instanceof InvalidInput ? e : malformed();
        }
    }

    /** Checks an assertion by a stored passkey against the challenge issued for it. */
    Checked verifyAssertion(Assertion assertion, Passkey passkey, byte[] challenge, boolean userVerificationRequired) {
        var data = assertion.parsed();
        var record = record(passkey);
        var parameters =
                new AuthenticationParameters(serverProperty(challenge), record, null, userVerificationRequired, true);
        try {
            manager.verify(data, parameters);
        } catch (VerificationException e) {
            throw new Refused(reason(e), e);
        } catch (RuntimeException e) {
            throw malformed();
        }
        var authenticatorData = data.getAuthenticatorData();
        return new Checked(
                authenticatorData.getSignCount(), authenticatorData.isFlagUV(), authenticatorData.isFlagBS());
    }

    private CredentialRecordImpl record(Passkey passkey) {
        var credentialId = Base64.getUrlDecoder().decode(passkey.credentialId());
        var cose = passkey.publicKeyCose();
        // aaguid (16) | credential id length (2) | credential id | COSE key: the attested credential data layout
        // (WebAuthn L3 §6.5.2), the one form webauthn4j reads a stored key back from.
        var bytes = ByteBuffer.allocate(16 + 2 + credentialId.length + cose.length)
                .put(new AAGUID(passkey.aaguid()).getBytes())
                .putShort((short) credentialId.length)
                .put(credentialId)
                .put(cose)
                .array();
        AttestedCredentialData credential = attested.convert(bytes);
        return new CredentialRecordImpl(
                new NoneAttestationStatement(),
                passkey.uvInitialized(),
                passkey.backupEligible(),
                passkey.backedUp(),
                passkey.signCount(),
                credential,
                null,
                null,
                null,
                null);
    }

    private ServerProperty serverProperty(byte[] challenge) {
        return ServerProperty.builder()
                .origins(origins)
                .rpId(rpId)
                .challenge(new DefaultChallenge(challenge))
                .build();
    }

    private static String reason(VerificationException e) {
        if (e instanceof MaliciousCounterValueException) {
            return "counter_regression";
        }
        if (e instanceof BadOriginException) {
            return "wrong_origin";
        }
        if (e instanceof BadRpIdException) {
            return "wrong_rp_id";
        }
        if (e instanceof BadChallengeException) {
            return "wrong_challenge";
        }
        if (e instanceof InconsistentClientDataTypeException) {
            return "wrong_type";
        }
        if (e instanceof BadSignatureException) {
            return "bad_signature";
        }
        if (e instanceof UserNotVerifiedException) {
            return "user_not_verified";
        }
        if (e instanceof UserNotPresentException) {
            return "user_not_present";
        }
        return "not_verified";
    }

    static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static InvalidInput malformed() {
        return new InvalidInput("invalid_credential", "the credential is not a well-formed WebAuthn response");
    }
}
