package dev.latchkey.password;

import java.util.Locale;

/**
 * An encoded password whose parameters ask for more (or less) work than {@link HashBounds} allows. It is refused at
 * import and never computed at verification, where it counts as malformed.
 */
public final class HashOutOfBounds extends MalformedHash {
    HashOutOfBounds(String algorithm, String parameter, long value, long min, long max) {
        super(String.format(
                Locale.ROOT,
                "%s hash asks for %s %,d; latchkey takes %,d to %,d",
                algorithm,
                parameter,
                value,
                min,
                max));
    }
}
