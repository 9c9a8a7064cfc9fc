package dev.latchkey.webauthn;

import dev.latchkey.auth.AuthenticationBackend;
import dev.latchkey.auth.AuthenticationDenied;
import dev.latchkey.auth.Credentials;
import dev.latchkey.request.RequestContext;
import dev.latchkey.user.User;
import java.util.ArrayList;
import java.util.Optional;

/**
 * Passwordless sign-in: a discoverable passkey's assertion, with user verification, names and proves its user.
 * Every user this backend answers was verified by their authenticator, so its sign-ins are multi-factor ({@link
 * PasskeyAssertion#multiFactor()}): the sign-in's {@code backend} "passkey" says so, and no second factor is due.
 * An assertion that does not verify is "not mine" (the chain ends in the same refusal as a wrong password); why it
 * failed is in the audit trail as {@code passkey_sign_in}.
 */
public final class PasskeyBackend implements AuthenticationBackend {
    public static final String NAME = "passkey";

    private final Passkeys passkeys;

    public PasskeyBackend(Passkeys passkeys) {
        this.passkeys = passkeys;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<User> authenticate(RequestContext request, Credentials credentials) {
        return prove(request, credentials).map(Proof::user);
    }

    /** The user, and {@code amr} from the key that signed: hwk or swk, user, and mfa (two factors in one). */
    @Override
    public Optional<Proof> prove(RequestContext request, Credentials credentials) {
        if (!(credentials instanceof Credentials.Passkey p)) {
            return Optional.empty();
        }
        try {
            var assertion = passkeys.authenticate(p.assertion(), null, request);
            var amr = new ArrayList<>(assertion.amr());
            if (assertion.multiFactor()) {
                amr.add("mfa");
            }
            return Optional.of(new Proof(assertion.user(), amr));
        } catch (AuthenticationDenied refused) {
            return Optional.empty();
        }
    }
}
