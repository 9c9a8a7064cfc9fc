package dev.latchkey.servlet;

import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The latchkey user a request was made by, as {@code request.getUserPrincipal()} answers it.
 *
 * @param userId   latchkey's user id (the JWT's {@code sub}, forward-auth's {@code X-Auth-User-Id}): the one to key
 *                 on, and {@link #getName()}
 * @param username the username when latchkey said it (forward-auth); null for a JWT, which carries the id only
 * @param groups   the user's groups, which {@code isUserInRole} answers for
 * @param claims   the access token's claims, or the forward-auth answer's user fields
 */
public record LatchkeyPrincipal(String userId, String username, Set<String> groups, Map<String, Object> claims)
        implements Principal {
    public LatchkeyPrincipal {
        Objects.requireNonNull(userId, "userId");
        groups = Set.copyOf(groups);
        claims = Map.copyOf(claims);
    }

    static LatchkeyPrincipal of(String userId, String username, List<String> groups, Map<String, Object> claims) {
        return new LatchkeyPrincipal(userId, username, Set.copyOf(groups), claims);
    }

    @Override
    public String getName() {
        return userId;
    }
}
