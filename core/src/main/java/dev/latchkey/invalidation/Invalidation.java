package dev.latchkey.invalidation;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one node tells the others so that they drop what they cached: the closed set of changes that must take hold
 * everywhere at once. Each names only ids and hashes, never a secret.
 */
public sealed interface Invalidation {

    /** Sessions ended (sign-out, ended by their user or an operator, a password change): by SHA-256 of their id. */
    record SessionsEnded(List<String> idHashes) implements Invalidation {
        public SessionsEnded {
            idHashes = List.copyOf(idHashes);
        }
    }

    /** A user was deactivated or changed password: their cached record and the tokens they made are stale. */
    record UserChanged(long userId) implements Invalidation {}

    /** An API token was revoked, by its id. */
    record ApiTokenRevoked(long tokenId) implements Invalidation {}

    /** A token family was revoked at {@code at}: its access tokens stop working. */
    record FamilyRevoked(String familyId, Instant at) implements Invalidation {
        public FamilyRevoked {
            Objects.requireNonNull(familyId);
            Objects.requireNonNull(at);
        }
    }

    /** The signing keys were rotated: the keys are read again. */
    record KeysRotated() implements Invalidation {}
}
