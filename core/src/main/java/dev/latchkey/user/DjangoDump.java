package dev.latchkey.user;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.password.HashOutOfBounds;
import dev.latchkey.password.PasswordHashing;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;

/**
 * Reads what {@code manage.py dumpdata auth.user auth.group authtoken.token} writes: a JSON array of {@code {"model": "auth.user", "pk": ..,
 * "fields": {..}}}. Every record is checked before anything is returned, so a bad file is refused whole; the error
 * names the record by its index (from 0) and the problem. Password hashes are kept exactly as they are, but one whose
 * parameters ask for more work than latchkey computes (a bcrypt cost of 31, PBKDF2 with 20 million iterations) is
 * refused: imported, it would make every sign-in attempt for that name cost minutes of CPU.
 */
public final class DjangoDump {
    private static final int MAX_HASH_LENGTH = 512;
    /** What DRF's {@code Token.generate_key} makes: {@code binascii.hexlify(os.urandom(20))}. */
    private static final Pattern DRF_KEY = Pattern.compile("[0-9a-f]{40}");

    private final ObjectMapper json;
    private final PasswordHashing hashing;

    /** Hashes are checked against the bounds of {@code hashing}, the one that will verify them. */
    public DjangoDump(ObjectMapper json, PasswordHashing hashing) {
        this.json = json;
        this.hashing = hashing;
    }

    /** All users of the dump; {@code progress} hears the count of records read so far, now and then. */
    public List<ImportedUser> read(InputStream in, IntConsumer progress) {
        return readAll(in, progress).users();
    }

    /**
     * Everything of the dump that latchkey keeps: {@code auth.user}, {@code auth.group}, users' {@code groups} (by
     * primary key, or by natural key with {@code --natural-foreign}) and DRF's {@code authtoken.token}, whatever their
     * order in the file. {@code auth.permission} and {@code contenttypes.contenttype} records, which
     * {@code dumpdata auth} includes, are skipped (latchkey has no permissions); any other model is refused.
     */
    public DjangoImport readAll(InputStream in, IntConsumer progress) {
        var reading = new Reading();
        try (JsonParser parser = new JsonFactory(json).createParser(in)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new InvalidInput("invalid_dump", "the file is not a JSON array of dumpdata records");
            }
            int index = 0;
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                if (parser.currentToken() == null) {
                    throw new InvalidInput("invalid_dump", "the file ends inside the array (truncated?)");
                }
                JsonNode record = json.readTree(parser);
                reading.record(index, record);
                index++;
                if (index % 1_000 == 0) {
                    progress.accept(index);
                }
            }
            if (parser.nextToken() != null) {
                throw new InvalidInput("invalid_dump", "unexpected content after the JSON array");
            }
            progress.accept(index);
        } catch (JsonEOFException e) {
            throw new InvalidInput(
                    "invalid_dump",
                    "the file ends in the middle of the JSON (truncated?) at line "
                            + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr());
        } catch (JsonProcessingException e) {
            throw new InvalidInput(
                    "invalid_dump",
                    "the file is not valid JSON: " + e.getOriginalMessage() + " at line "
                            + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw new InvalidInput("invalid_dump", "the file could not be read: " + e.getMessage());
        }
        return reading.resolve();
    }

    /** A reference to a group or user: a primary key, or a natural key (a name), with the record that made it. */
    private record Reference(int index, Long pk, String name) {}

    /** The records read so far; references between them are resolved once all are read. */
    private final class Reading {
        private final List<ImportedUser> users = new ArrayList<>();
        private final Map<String, Integer> usernames = new HashMap<>();
        private final Map<Long, String> userPks = new HashMap<>();
        private final Set<Long> sharedUserPks = new HashSet<>();
        private final Map<String, List<Reference>> userGroups = new LinkedHashMap<>();
        private final Map<String, Integer> groupNames = new LinkedHashMap<>();
        private final Map<Long, String> groupPks = new HashMap<>();
        private final Map<String, Integer> tokenKeys = new HashMap<>();
        private final List<Reference> tokenUsers = new ArrayList<>();
        private final List<DjangoImport.Token> tokens = new ArrayList<>();

        void record(int index, JsonNode record) {
            if (!record.isObject()) {
                throw problem(index, "is not a JSON object");
            }
            var model = record.path("model");
            var name = model.isTextual() ? model.asText() : "";
            switch (name) {
                case "auth.user" -> user(index, record);
                case "auth.group" -> group(index, record);
                case "authtoken.token" -> token(index, record);
                case "auth.permission", "contenttypes.contenttype" -> {
                    // Django's permissions; latchkey leaves what a group may do to the app.
                }
                default ->
                    throw problem(
                            index, "is not an auth.user, auth.group or authtoken.token record (model " + model + ")");
            }
        }

        private void user(int index, JsonNode record) {
            var user = DjangoDump.this.user(index, record);
            var previous = usernames.put(user.username(), index);
            if (previous != null) {
                throw problem(index, "duplicate username " + user.username() + " (also record " + previous + ")");
            }
            users.add(user);
            var pk = record.get("pk");
            if (pk != null && !pk.isNull()) {
                if (!pk.canConvertToLong() || !pk.isIntegralNumber()) {
                    throw problem(index, "pk is not an integer");
                }
                if (userPks.put(pk.asLong(), user.username()) != null) {
                    sharedUserPks.add(pk.asLong());
                }
            }
            var groups = record.path("fields").get("groups");
            if (groups != null && !groups.isNull()) {
                if (!groups.isArray()) {
                    throw problem(index, "groups is not a list");
                }
                var refs = new ArrayList<Reference>();
                groups.forEach(g -> refs.add(reference(index, g, "groups")));
                userGroups.put(user.username(), refs);
            }
        }

        private void group(int index, JsonNode record) {
            var fields = record.path("fields");
            if (!fields.isObject()) {
                throw problem(index, "has no \"fields\" object");
            }
            String name;
            try {
                name = GroupNames.normalize(text(index, fields, "name", true));
            } catch (InvalidInput e) {
                throw problem(index, e.detail());
            }
            var previous = groupNames.put(name, index);
            if (previous != null) {
                throw problem(index, "duplicate group name " + name + " (also record " + previous + ")");
            }
            var pk = record.get("pk");
            if (pk != null && !pk.isNull()) {
                if (!pk.isIntegralNumber() || !pk.canConvertToLong()) {
                    throw problem(index, "pk is not an integer");
                }
                if (groupPks.put(pk.asLong(), name) != null) {
                    throw problem(index, "duplicate group pk " + pk.asLong());
                }
            }
        }

        private void token(int index, JsonNode record) {
            var key = record.path("pk");
            if (!key.isTextual() || !DRF_KEY.matcher(key.asText()).matches()) {
                throw problem(index, "the token key (pk) is not 40 lower-case hex characters, as DRF makes them");
            }
            var previous = tokenKeys.put(key.asText(), index);
            if (previous != null) {
                throw problem(index, "duplicate token key (also record " + previous + ")");
            }
            var fields = record.path("fields");
            if (!fields.isObject()) {
                throw problem(index, "has no \"fields\" object");
            }
            var user = fields.get("user");
            if (user == null || user.isNull()) {
                throw problem(index, "has no user");
            }
            tokenUsers.add(reference(index, user, "user"));
            var created = time(index, fields, "created", false);
            tokens.add(new DjangoImport.Token(
                    Secrets.sha256Hex(key.asText()),
                    key.asText().substring(0, 6),
                    "",
                    created == null ? Instant.EPOCH : created));
        }

        /** {@code 3} (a primary key) or {@code ["name"]} (a natural key, with {@code --natural-foreign}). */
        private Reference reference(int index, JsonNode node, String field) {
            if (node.isIntegralNumber() && node.canConvertToLong()) {
                return new Reference(index, node.asLong(), null);
            }
            if (node.isArray() && node.size() == 1 && node.get(0).isTextual()) {
                return new Reference(index, null, node.get(0).asText());
            }
            throw problem(index, field + " holds " + node + ", neither a primary key nor a natural key");
        }

        DjangoImport resolve() {
            var memberships = new LinkedHashMap<String, List<String>>();
            var groups = new LinkedHashSet<>(groupNames.keySet());
            userGroups.forEach((username, refs) -> {
                var names = new ArrayList<String>();
                for (var ref : refs) {
                    String name;
                    if (ref.pk() != null) {
                        name = groupPks.get(ref.pk());
                        if (name == null) {
                            throw problem(
                                    ref.index() + " (" + username + ")",
                                    "is in group pk " + ref.pk() + ", which the dump does not hold");
                        }
                    } else {
                        try {
                            name = GroupNames.normalize(ref.name());
                        } catch (InvalidInput e) {
                            throw problem(ref.index() + " (" + username + ")", e.detail());
                        }
                        groups.add(name);
                    }
                    if (!names.contains(name)) {
                        names.add(name);
                    }
                }
                memberships.put(username, names);
            });
            var resolvedTokens = new ArrayList<DjangoImport.Token>();
            for (int i = 0; i < tokens.size(); i++) {
                var ref = tokenUsers.get(i);
                if (ref.pk() != null && sharedUserPks.contains(ref.pk())) {
                    throw problem(
                            ref.index(),
                            "names user pk " + ref.pk() + ", but user pk " + ref.pk()
                                    + " is held by more than one record");
                }
                var username = ref.pk() != null ? userPks.get(ref.pk()) : ref.name();
                if (username == null || !usernames.containsKey(username)) {
                    throw problem(
                            ref.index(),
                            "is a token for user " + (ref.pk() != null ? "pk " + ref.pk() : ref.name())
                                    + ", whom the dump does not hold");
                }
                var token = tokens.get(i);
                resolvedTokens.add(new DjangoImport.Token(token.keyHash(), token.prefix(), username, token.created()));
            }
            return new DjangoImport(users, List.copyOf(groups), memberships, resolvedTokens);
        }
    }

    private ImportedUser user(int index, JsonNode record) {
        if (!record.isObject()) {
            throw problem(index, "is not a JSON object");
        }
        var fields = record.path("fields");
        if (!fields.isObject()) {
            throw problem(index, "has no \"fields\" object");
        }
        String username;
        try {
            username = Usernames.normalize(text(index, fields, "username", true));
        } catch (InvalidInput e) {
            throw problem(index, e.detail());
        }
        String email;
        try {
            email = Emails.normalize(text(index, fields, "email", false));
        } catch (InvalidInput e) {
            throw problem(index, e.detail());
        }
        var hash = text(index, fields, "password", true);
        if (hash.length() > MAX_HASH_LENGTH) {
            throw problem(index, "password hash is longer than " + MAX_HASH_LENGTH + " characters");
        }
        try {
            hashing.checkBounds(hash);
        } catch (HashOutOfBounds e) {
            throw problem(index + " (" + username + ")", "password " + e.getMessage());
        }
        var joined = time(index, fields, "date_joined", true);
        return new ImportedUser(
                username,
                email,
                hash,
                bool(index, fields, "is_active", true),
                bool(index, fields, "is_staff", false),
                bool(index, fields, "is_superuser", false),
                joined,
                time(index, fields, "last_login", false));
    }

    private static String text(int index, JsonNode fields, String name, boolean required) {
        var node = fields.get(name);
        if (node == null || node.isNull()) {
            if (required) {
                throw problem(index, "has no " + name);
            }
            return "";
        }
        if (!node.isTextual()) {
            throw problem(index, name + " is not a string");
        }
        return node.asText();
    }

    private static boolean bool(int index, JsonNode fields, String name, boolean absent) {
        var node = fields.get(name);
        if (node == null) {
            return absent;
        }
        if (!node.isBoolean()) {
            throw problem(index, name + " is not true or false");
        }
        return node.asBoolean();
    }

    /** Django writes ISO 8601 with {@code Z} under USE_TZ, or a naive local time without it (taken as UTC). */
    private static Instant time(int index, JsonNode fields, String name, boolean required) {
        var text = text(index, fields, name, required);
        if (text.isEmpty()) {
            if (required) {
                throw problem(index, "has no " + name);
            }
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException again) {
                throw problem(index, name + " is not an ISO 8601 time: " + text);
            }
        }
    }

    private static InvalidInput problem(int index, String problem) {
        return problem(Integer.toString(index), problem);
    }

    private static InvalidInput problem(String record, String problem) {
        return new InvalidInput("invalid_dump", "record " + record + ": " + problem);
    }
}
