package dev.latchkey.jwt;

import java.time.Instant;

/** Signs the access token of a family issued to a client through the provider (its own issuer and audience). */
@FunctionalInterface
public interface DelegatedAccess {
    String issue(TokenFamily family, Instant expires);
}
