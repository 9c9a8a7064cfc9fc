package dev.latchkey.invalidation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The text form of an {@link Invalidation} on a shared bus, with the node it came from so that a node can skip its
 * own: {@code "lk1 NODE s HASH,HASH"}, {@code "lk1 NODE u 42"}, {@code "lk1 NODE t 7"}, {@code "lk1 NODE f FAMILY
 * EPOCH_MS"}, {@code "lk1 NODE k"}. A message of ended sessions carries at most {@link #HASHES_PER_MESSAGE} hashes
 * (PostgreSQL's {@code NOTIFY} takes at most 8,000 bytes); {@link #encode} splits longer lists. Anything else on the
 * channel decodes to nothing: a bus shared with a stranger must not be a way in.
 */
public final class Messages {
    public static final int HASHES_PER_MESSAGE = 100;
    private static final String VERSION = "lk1";
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private Messages() {}

    /** A message as received: who sent it and what it says. */
    public record Received(String origin, Invalidation invalidation) {}

    /** The messages that say {@code invalidation} from node {@code origin} (more than one for many sessions). */
    public static List<String> encode(String origin, Invalidation invalidation) {
        if (!ID.matcher(origin).matches()) {
            throw new IllegalArgumentException("a node id is 1 to 64 URL-safe characters");
        }
        var head = VERSION + ' ' + origin + ' ';
        if (invalidation instanceof Invalidation.SessionsEnded s) {
            var out = new ArrayList<String>();
            var hashes = s.idHashes();
            for (int from = 0; from < hashes.size(); from += HASHES_PER_MESSAGE) {
                var to = Math.min(hashes.size(), from + HASHES_PER_MESSAGE);
                out.add(head + "s " + String.join(",", hashes.subList(from, to)));
            }
            return out;
        }
        if (invalidation instanceof Invalidation.UserChanged u) {
            return List.of(head + "u " + u.userId());
        }
        if (invalidation instanceof Invalidation.ApiTokenRevoked t) {
            return List.of(head + "t " + t.tokenId());
        }
        if (invalidation instanceof Invalidation.FamilyRevoked f) {
            return List.of(head + "f " + f.familyId() + ' ' + f.at().toEpochMilli());
        }
        return List.of(head + "k");
    }

    /** What a message says, or empty for anything that is not a well-formed message of this version. */
    public static Optional<Received> decode(String message) {
        if (message == null || message.length() > 8_000) {
            return Optional.empty();
        }
        var parts = message.split(" ", 5);
        if (parts.length < 3
                || !parts[0].equals(VERSION)
                || !ID.matcher(parts[1]).matches()) {
            return Optional.empty();
        }
        try {
            return invalidation(parts).map(i -> new Received(parts[1], i));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Invalidation> invalidation(String[] parts) {
        var kind = parts[2];
        if (kind.equals("k") && parts.length == 3) {
            return Optional.of(new Invalidation.KeysRotated());
        }
        if (kind.equals("s") && parts.length == 4) {
            var hashes = List.of(parts[3].split(",", -1));
            if (hashes.size() > HASHES_PER_MESSAGE
                    || !hashes.stream().allMatch(h -> HASH.matcher(h).matches())) {
                return Optional.empty();
            }
            return Optional.of(new Invalidation.SessionsEnded(hashes));
        }
        if (kind.equals("u") && parts.length == 4) {
            return Optional.of(new Invalidation.UserChanged(Long.parseLong(parts[3])));
        }
        if (kind.equals("t") && parts.length == 4) {
            return Optional.of(new Invalidation.ApiTokenRevoked(Long.parseLong(parts[3])));
        }
        if (kind.equals("f") && parts.length == 5 && ID.matcher(parts[3]).matches()) {
            return Optional.of(
                    new Invalidation.FamilyRevoked(parts[3], Instant.ofEpochMilli(Long.parseLong(parts[4]))));
        }
        return Optional.empty();
    }
}
