package dev.latchkey.provider;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The scopes latchkey grants, as a set in a fixed order. A requested scope latchkey does not know is left out of
 * what is granted (RFC 6749 §3.3: the token answer says which were granted), not an error.
 */
public final class Scopes {
    public static final String OPENID = "openid";
    public static final String PROFILE = "profile";
    public static final String EMAIL = "email";
    public static final String GROUPS = "groups";
    public static final String OFFLINE_ACCESS = "offline_access";
    public static final List<String> SUPPORTED = List.of(OPENID, PROFILE, EMAIL, GROUPS, OFFLINE_ACCESS);
    public static final int MAX_LENGTH = 1000;

    private final Set<String> granted;

    private Scopes(Set<String> granted) {
        this.granted = granted;
    }

    /** The supported scopes among a space-separated request ({@code scope}), in latchkey's order. */
    public static Scopes parse(String requested) {
        if (requested == null || requested.isEmpty()) {
            return new Scopes(Set.of());
        }
        if (requested.length() > MAX_LENGTH) {
            throw new OAuthError(OAuthError.INVALID_SCOPE, "scope is longer than " + MAX_LENGTH + " characters");
        }
        // Set.copyOf, not Set.of: a scope named twice is asked once, not an IllegalArgumentException (a 500).
        var asked = Set.copyOf(Arrays.asList(requested.split(" ", -1)));
        var known = new LinkedHashSet<String>();
        for (var scope : SUPPORTED) {
            if (asked.contains(scope)) {
                known.add(scope);
            }
        }
        return new Scopes(known);
    }

    public boolean has(String scope) {
        return granted.contains(scope);
    }

    public boolean isEmpty() {
        return granted.isEmpty();
    }

    /** Whether every scope of {@code other} is here. */
    public boolean covers(Scopes other) {
        return granted.containsAll(other.granted);
    }

    public Set<String> asSet() {
        return Set.copyOf(granted);
    }

    /** These scopes and {@code other}'s. */
    public Scopes with(Scopes other) {
        var all = new LinkedHashSet<String>();
        for (var scope : SUPPORTED) {
            if (granted.contains(scope) || other.granted.contains(scope)) {
                all.add(scope);
            }
        }
        return new Scopes(all);
    }

    /** Space-separated, as on the wire. */
    @Override
    public String toString() {
        return String.join(" ", granted);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Scopes scopes && scopes.granted.equals(granted);
    }

    @Override
    public int hashCode() {
        return granted.hashCode();
    }
}
