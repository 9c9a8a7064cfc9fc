package dev.latchkey.password;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.Busy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Django's {@code make_password} / {@code check_password} / {@code identify_hasher}: one default hasher for new
 * hashes, every known format for verification.
 *
 * <p>Hashing is memory-hard on purpose, so at most {@code maxConcurrent} hashes run at once (one per core by
 * default): a burst of sign-ins queues instead of allocating 19 MiB each until the heap is gone.
 */
public final class PasswordHashing {
    private static final Logger log = LoggerFactory.getLogger(PasswordHashing.class);
    private static final Duration QUEUE_TIMEOUT = Duration.ofSeconds(10);
    private static final String UNUSABLE_PREFIX = "!";

    private final PasswordHasher preferred;
    private final Map<String, PasswordHasher> byAlgorithm;
    private final Secrets secrets;
    private final Semaphore slots;

    public PasswordHashing(PasswordHasher preferred, List<PasswordHasher> others, Secrets secrets, int maxConcurrent) {
        this.preferred = preferred;
        this.secrets = secrets;
        this.slots = new Semaphore(maxConcurrent, true);
        var map = new LinkedHashMap<String, PasswordHasher>();
        map.put(preferred.algorithm(), preferred);
        others.forEach(h -> map.putIfAbsent(h.algorithm(), h));
        this.byAlgorithm = Map.copyOf(map);
    }

    /** Argon2id with {@code argon2} for new hashes; verifies every format Django 3.2 writes, and its legacy ones. */
    public static PasswordHashing standard(Argon2Settings argon2, Secrets secrets) {
        return new PasswordHashing(
                new Argon2Hasher(argon2, secrets),
                List.of(
                        Pbkdf2Hasher.sha256(Pbkdf2Hasher.DJANGO_32_ITERATIONS, secrets),
                        Pbkdf2Hasher.sha1(Pbkdf2Hasher.DJANGO_32_ITERATIONS, secrets),
                        BcryptHasher.sha256(12, secrets),
                        BcryptHasher.plain(12, secrets),
                        DigestHasher.sha1(secrets),
                        DigestHasher.md5(secrets),
                        DigestHasher.unsaltedSha1(secrets),
                        DigestHasher.unsaltedMd5(secrets),
                        new CryptHasher(secrets)),
                secrets,
                Runtime.getRuntime().availableProcessors());
    }

    /** A new hash of {@code password} with the preferred hasher. */
    public String hash(String password) {
        var bytes = PasswordBytes.of(password);
        return gated(() -> preferred.encode(bytes, preferred.salt()));
    }

    /**
     * Whether {@code password} matches {@code encoded}. Unusable ({@code !}-prefixed), malformed and unknown hashes
     * never match, and cost one full preferred hash, like an unknown user, so that nothing can be told apart by time.
     * So do hashes whose parameters are beyond {@link HashBounds}: they are never computed. A hash cheaper than the
     * preferred one (MD5, a few PBKDF2 iterations) is checked and one preferred hash is spent beside it, under the
     * same slot, so that every check costs at least what an unknown user costs.
     */
    public boolean verify(String password, String encoded) {
        var bytes = PasswordBytes.of(password);
        var found = identify(encoded);
        if (found.isEmpty()) {
            burn(bytes);
            return false;
        }
        var hasher = found.get();
        try {
            // Read from the parameters before anything is computed; out-of-bounds ones throw here.
            boolean cheap = !costsAtLeastTheDefault(hasher, encoded);
            return gated(() -> {
                boolean match = hasher.verify(bytes, encoded);
                if (cheap) {
                    preferred.encode(bytes, preferred.salt());
                }
                return match;
            });
        } catch (MalformedHash e) {
            log.warn("refusing a stored password: {}", e.getMessage());
            burn(bytes);
            return false;
        }
    }

    /**
     * Refuses, before it is stored, a hash of a known format whose parameters are beyond {@link HashBounds}, by
     * the same reading {@link #verify} does. Malformed and unknown hashes pass: stored, they never verify.
     *
     * @throws HashOutOfBounds naming the parameter, its value and the bounds
     */
    public void checkBounds(String encoded) {
        var found = identify(encoded);
        if (found.isEmpty()) {
            return;
        }
        try {
            costsAtLeastTheDefault(found.get(), encoded);
        } catch (HashOutOfBounds e) {
            throw e;
        } catch (MalformedHash e) {
            // not a cost problem: such a hash is stored as it is and never matches
        }
    }

    /** The cost of one verification, spent on nothing: for users that do not exist (Django ticket #20760). */
    public void verifyNobody(String password) {
        burn(PasswordBytes.of(password));
    }

    /** Django's {@code must_update}: another algorithm than the preferred one, or weaker parameters. */
    public boolean mustUpdate(String encoded) {
        var hasher = identify(encoded);
        if (hasher.isEmpty()) {
            return false;
        }
        try {
            return hasher.get() != preferred || preferred.mustUpdate(encoded);
        } catch (MalformedHash e) {
            return false;
        }
    }

    /** The algorithm of {@code encoded} by Django's {@code identify_hasher} rules, if it is one latchkey knows. */
    public Optional<PasswordHasher> identify(String encoded) {
        if (encoded == null || encoded.isEmpty() || encoded.startsWith(UNUSABLE_PREFIX)) {
            return Optional.empty();
        }
        String algorithm;
        if ((encoded.length() == 32 && !encoded.contains("$"))
                || (encoded.length() == 37 && encoded.startsWith("md5$$"))) {
            algorithm = "unsalted_md5";
        } else if (encoded.length() == 46 && encoded.startsWith("sha1$$")) {
            algorithm = "unsalted_sha1";
        } else {
            int dollar = encoded.indexOf('$');
            algorithm = dollar < 0 ? "" : encoded.substring(0, dollar);
        }
        return Optional.ofNullable(byAlgorithm.get(algorithm));
    }

    /**
     * A hash the preferred hasher would write now (not {@code mustUpdate}) costs the default by definition, whatever
     * that hasher is; any other asks its hasher.
     */
    private boolean costsAtLeastTheDefault(PasswordHasher hasher, String encoded) {
        return (hasher == preferred && !preferred.mustUpdate(encoded)) || hasher.costsAtLeastTheDefault(encoded);
    }

    /** Django's {@code make_password(None)}: {@code !} and 40 random characters, which no password matches. */
    public String unusable() {
        return UNUSABLE_PREFIX + secrets.alphanumeric(40);
    }

    public static boolean isUsable(String encoded) {
        return encoded != null && !encoded.startsWith(UNUSABLE_PREFIX);
    }

    private void burn(byte[] password) {
        gated(() -> preferred.encode(password, preferred.salt()));
    }

    private <T> T gated(java.util.function.Supplier<T> work) {
        try {
            if (!slots.tryAcquire(QUEUE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new Busy("too many sign-ins at once; try again shortly");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy("interrupted while waiting to check a password");
        }
        try {
            return work.get();
        } finally {
            slots.release();
        }
    }
}
