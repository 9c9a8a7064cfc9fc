package dev.latchkey.password;

import dev.latchkey.crypto.Secrets;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2 in Django's format: {@code argon2$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, the PHC string of
 * argon2-cffi with {@code argon2} in front, salt and hash in unpadded standard base64. It verifies any variant
 * (argon2id, argon2i, argon2d), any m/t/p and the version-less strings of Django 1.10 (Argon2 version 0x10).
 */
public final class Argon2Hasher implements PasswordHasher {
    private static final String ALGORITHM = "argon2";
    private static final Base64.Encoder BASE64 = Base64.getEncoder().withoutPadding();

    private final Argon2Settings settings;
    private final HashBounds.Argon2Limits limits;
    private final Secrets secrets;
    /**
     * Work blocks kept for the next hash instead of 19 MiB of garbage per sign-in: about a fifth more hashes per
     * second on two cores. It keeps at most one hash's worth per core (hashes run one per core at most).
     */
    private final Argon2BytesGenerator.FixedBlockPool blocks;

    public Argon2Hasher(Argon2Settings settings, Secrets secrets) {
        this.settings = settings;
        this.limits = HashBounds.argon2(settings);
        this.secrets = secrets;
        this.blocks = new Argon2BytesGenerator.FixedBlockPool(
                settings.memoryKib() * Runtime.getRuntime().availableProcessors());
    }

    @Override
    public String algorithm() {
        return ALGORITHM;
    }

    @Override
    public String salt() {
        return secrets.alphanumeric(22);
    }

    @Override
    public String encode(byte[] password, String salt) {
        var saltBytes = salt.getBytes(StandardCharsets.UTF_8);
        var parsed = new Parsed(
                Argon2Parameters.ARGON2_id,
                Argon2Parameters.ARGON2_VERSION_13,
                settings.memoryKib(),
                settings.iterations(),
                settings.parallelism(),
                saltBytes,
                new byte[settings.hashLength()]);
        var hash = hash(password, parsed);
        return ALGORITHM + "$argon2id$v=19$m=" + settings.memoryKib() + ",t=" + settings.iterations()
                + ",p=" + settings.parallelism() + "$" + BASE64.encodeToString(saltBytes) + "$"
                + BASE64.encodeToString(hash);
    }

    @Override
    public boolean verify(byte[] password, String encoded) {
        var parsed = Parsed.of(encoded, limits);
        return Secrets.constantTimeEquals(parsed.hash, hash(password, parsed));
    }

    /** A re-hash when the variant is not argon2id, or memory, time or salt fall below the configured ones. */
    @Override
    public boolean mustUpdate(String encoded) {
        var parsed = Parsed.of(encoded, limits);
        return parsed.type != Argon2Parameters.ARGON2_id
                || parsed.memoryKib < settings.memoryKib()
                || parsed.iterations < settings.iterations()
                || parsed.salt.length < 16
                || parsed.hash.length < 16;
    }

    /** Argon2's time grows with memory times passes, whatever the lanes (Bouncy Castle fills them one by one). */
    @Override
    public boolean costsAtLeastTheDefault(String encoded) {
        var parsed = Parsed.of(encoded, limits);
        return (long) parsed.memoryKib * parsed.iterations >= (long) settings.memoryKib() * settings.iterations();
    }

    private byte[] hash(byte[] password, Parsed parsed) {
        var parameters = new Argon2Parameters.Builder(parsed.type)
                .withBlockPool(blocks)
                .withVersion(parsed.version)
                .withMemoryAsKB(parsed.memoryKib)
                .withIterations(parsed.iterations)
                .withParallelism(parsed.parallelism)
                .withSalt(parsed.salt)
                .build();
        var generator = new Argon2BytesGenerator();
        generator.init(parameters);
        var out = new byte[parsed.hash.length];
        generator.generateBytes(password, out);
        return out;
    }

    /** One parsed encoded string. */
    @SuppressWarnings("ArrayRecordComponent") // never compared or hashed: only its components are read
    private record Parsed(
            int type, int version, int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) {

        static Parsed of(String encoded, HashBounds.Argon2Limits limits) {
            var fields = encoded.split("\\$", -1);
            // argon2$argon2id$v=19$m=..,t=..,p=..$salt$hash, or without the v= field (Django 1.10, argon2-cffi < 16)
            if (fields.length < 5 || fields.length > 6 || !fields[0].equals(ALGORITHM)) {
                throw new MalformedHash(ALGORITHM, "expected 5 or 6 fields separated by '$'");
            }
            int type = type(fields[1]);
            int version = Argon2Parameters.ARGON2_VERSION_10;
            int next = 2;
            if (fields.length == 6) {
                if (!fields[2].equals("v=19") && !fields[2].equals("v=16")) {
                    throw new MalformedHash(ALGORITHM, "unknown version");
                }
                version = fields[2].equals("v=19")
                        ? Argon2Parameters.ARGON2_VERSION_13
                        : Argon2Parameters.ARGON2_VERSION_10;
                next = 3;
            }
            long memory = -1;
            long time = -1;
            long lanes = -1;
            for (var pair : fields[next].split(",", -1)) {
                var kv = pair.split("=", 2);
                if (kv.length != 2) {
                    throw new MalformedHash(ALGORITHM, "bad parameter list");
                }
                switch (kv[0]) {
                    case "m" -> memory = Encoded.number(ALGORITHM, "memory", kv[1]);
                    case "t" -> time = Encoded.number(ALGORITHM, "time", kv[1]);
                    case "p" -> lanes = Encoded.number(ALGORITHM, "parallelism", kv[1]);
                    default -> throw new MalformedHash(ALGORITHM, "unknown parameter");
                }
            }
            if (memory < 0 || time < 0 || lanes < 0) {
                throw new MalformedHash(ALGORITHM, "m, t and p are required");
            }
            HashBounds.within(ALGORITHM, "parallelism", lanes, 1, limits.maxParallelism());
            HashBounds.within(ALGORITHM, "time", time, 1, limits.maxIterations());
            HashBounds.within(ALGORITHM, "memory (KiB)", memory, 8 * lanes, limits.maxMemoryKib());
            HashBounds.within(ALGORITHM, "memory times time (KiB)", memory * time, 1, limits.maxWork());
            var salt = Encoded.base64(ALGORITHM, "salt", fields[next + 1]);
            var hash = Encoded.base64(ALGORITHM, "hash", fields[next + 2]);
            if (salt.length < 8 || hash.length < 4 || hash.length > 1024) {
                throw new MalformedHash(ALGORITHM, "salt or hash has an impossible length");
            }
            return new Parsed(type, version, (int) memory, (int) time, (int) lanes, salt, hash);
        }

        private static int type(String name) {
            return switch (name) {
                case "argon2id" -> Argon2Parameters.ARGON2_id;
                case "argon2i" -> Argon2Parameters.ARGON2_i;
                case "argon2d" -> Argon2Parameters.ARGON2_d;
                default -> throw new MalformedHash(ALGORITHM, "unknown variant");
            };
        }
    }
}
