package dev.latchkey.social;

import dev.latchkey.error.LatchkeyException;

/**
 * A provider that could not be used: unreachable, too slow, an error status, a body that is not the JSON it should
 * be, a token that fails validation. HTTP 502; the detail names the provider and the problem, never a secret.
 */
public final class ProviderFailure extends LatchkeyException {
    private final String provider;

    public ProviderFailure(String provider, String detail) {
        super("provider_failed", 502, "the sign-in provider " + provider + " failed: " + detail);
        this.provider = provider;
    }

    public String provider() {
        return provider;
    }
}
