package dev.latchkey.mfa;

import java.util.Objects;

/**
 * The {@code mfa.*} settings.
 *
 * @param required    who must have a second factor
 * @param trustSocial a social sign-in needs no second factor: the provider is trusted to have asked for one
 */
public record MfaSettings(MfaPolicy required, boolean trustSocial) {
    public static final MfaSettings DEFAULT = new MfaSettings(MfaPolicy.NONE, false);

    public MfaSettings {
        Objects.requireNonNull(required, "required");
    }
}
