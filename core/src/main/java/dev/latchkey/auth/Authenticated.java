package dev.latchkey.auth;

import dev.latchkey.user.User;
import java.time.Instant;

/** The outcome of a successful {@link Authenticator#authenticate}: who, proven by which backend, when. */
public record Authenticated(User user, String backend, Instant at) {}
