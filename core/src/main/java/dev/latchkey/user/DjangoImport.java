package dev.latchkey.user;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one {@code manage.py dumpdata} brings over: users, groups, which users are in which groups, and DRF's
 * {@code authtoken.token} keys (only their hashes: the keys themselves are never kept).
 *
 * @param groups      every group named, by the dump's {@code auth.group} records or by a user's natural key
 * @param memberships each user whose record lists {@code groups}, with exactly those group names; users whose record
 *                    has no {@code groups} field keep the groups they have
 */
public record DjangoImport(
        List<ImportedUser> users, List<String> groups, Map<String, List<String>> memberships, List<Token> tokens) {

    public DjangoImport {
        users = List.copyOf(users);
        groups = List.copyOf(groups);
        memberships = Map.copyOf(memberships);
        tokens = List.copyOf(tokens);
    }

    /** Users alone, as {@code dumpdata auth.user} of a site without groups or tokens gives them. */
    public static DjangoImport of(List<ImportedUser> users) {
        return new DjangoImport(users, List.of(), Map.of(), List.of());
    }

    /**
     * A DRF token: the SHA-256 of its key, the key's first characters (to tell tokens apart in a list), its user and
     * when Django made it.
     */
    public record Token(String keyHash, String prefix, String username, Instant created) {
        public Token {
            Objects.requireNonNull(keyHash, "keyHash");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(created, "created");
        }

        @Override
        public String toString() {
            return "Token[prefix=" + prefix + ", username=" + username + "]";
        }
    }
}
