package dev.latchkey.auth;

import dev.latchkey.request.RequestContext;

/**
 * The decision, after a right first factor, whether the sign-in needs a second one ({@code dev.latchkey.mfa.TwoStep}).
 * {@link SignIn} asks it for every sign-in whose credentials are not {@link Credentials#multiFactor()} by themselves.
 */
public interface SecondStep {

    /**
     * Returns when no second step is due; otherwise throws the refusal that starts it (401 {@code mfa_required} with
     * a token for the second step, or {@code mfa_enrollment_required} when a policy demands a factor the user lacks).
     */
    void demand(Authenticated authenticated, Credentials credentials, Intent intent, RequestContext request);
}
