package dev.latchkey.mfa;

import dev.latchkey.request.RequestContext;
import dev.latchkey.user.User;
import java.util.List;

/**
 * One kind of second factor a user may hold: a TOTP authenticator, recovery codes, passkeys. The sign-in service
 * asks every registered kind whether a user has it (then a password alone is not enough) and hands the proof of
 * the second step to the kind its method names, so that adding a kind touches no sign-in path.
 */
public interface SecondFactor {

    /** The name clients use for it, in {@code "methods"} and in {@code POST /api/mfa/verify}: "totp", …. */
    String method();

    /** The user's enrolled factors of this kind (empty when none); each one counts as enabled. */
    List<EnrolledFactor> enrolled(long userId);

    /**
     * Checks the proof of the second step for this user: a code for TOTP and recovery codes, the assertion JSON
     * for a passkey. Throws {@link dev.latchkey.auth.AuthenticationDenied} when it is wrong, used before or out of
     * its window; attempts are throttled by the caller.
     *
     * @return the RFC 8176 {@code amr} values that this proof adds ("otp", "hwk", "swk", …)
     */
    List<String> verify(User user, String proof, RequestContext request);
}
