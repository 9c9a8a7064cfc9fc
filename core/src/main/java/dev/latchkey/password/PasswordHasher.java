package dev.latchkey.password;

/**
 * One encoded format, as Django's hashers have: {@code algorithm$params$salt$hash}.
 *
 * <p>Passwords arrive as their UTF-8 bytes (Django hashes {@code password.encode()} too, and does not normalise
 * Unicode). A malformed {@code encoded} string makes {@link #verify} and {@link #mustUpdate} throw
 * {@link MalformedHash}; {@link PasswordHashing} turns that into a refusal, never a crash.
 */
public interface PasswordHasher {

    /** The prefix before the first {@code $}, e.g. {@code pbkdf2_sha256}. */
    String algorithm();

    /** A fresh salt in the form {@link #encode} takes. */
    String salt();

    /** Encodes with this hasher's parameters; the same password and salt always give the same string. */
    String encode(byte[] password, String salt);

    /** True when {@code password} is the one {@code encoded} was made from, compared in constant time. */
    boolean verify(byte[] password, String encoded);

    /** True when {@code encoded} is weaker than what this hasher would write now (Django's {@code must_update}). */
    boolean mustUpdate(String encoded);

    /**
     * Whether checking {@code encoded} costs at least one default Argon2id hash, judged from its parameters without
     * hashing anything ({@link HashBounds} has the numbers). When it does not, {@link PasswordHashing} spends one
     * default hash beside it, so that an imported MD5 cannot be told from an unknown user by time. Throws
     * {@link MalformedHash} as {@link #verify} does, and {@link HashOutOfBounds} for parameters beyond the bounds.
     * The default, "no", is the safe answer for a hasher that cannot tell.
     */
    default boolean costsAtLeastTheDefault(String encoded) {
        return false;
    }
}
