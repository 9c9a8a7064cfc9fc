package dev.latchkey.social;

import java.util.Map;

/**
 * Who a provider says signed in: its name for them ({@code subject}, stable), and what it asserts about them. An
 * email counts for linking accounts only when {@code emailVerified}.
 */
public record SocialIdentity(
        String provider,
        String subject,
        String email,
        boolean emailVerified,
        String name,
        Map<String, Object> profile,
        ProviderTokens tokens) {

    public SocialIdentity(
            String provider,
            String subject,
            String email,
            boolean emailVerified,
            String name,
            Map<String, Object> profile) {
        this(provider, subject, email, emailVerified, name, profile, null);
    }

    /** The same identity with the tokens the provider answered alongside it. */
    public SocialIdentity withTokens(ProviderTokens value) {
        return new SocialIdentity(provider, subject, email, emailVerified, name, profile, value);
    }

    public SocialIdentity {
        if (subject == null || subject.isBlank() || subject.length() > 255) {
            throw new ProviderFailure(provider, "the provider named no usable subject");
        }
        email = email == null ? "" : email.strip();
        name = name == null ? "" : name.strip();
        profile = profile == null ? Map.of() : Map.copyOf(profile);
    }
}
