package dev.latchkey.user;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Reads what {@code manage.py dumpdata auth.user} writes: a JSON array of {@code {"model": "auth.user", "pk": ..,
 * "fields": {..}}}. Every record is checked before anything is returned, so a bad file is refused whole; the error
 * names the record by its index (from 0) and the problem. Password hashes are kept exactly as they are, but one whose
 * parameters ask for more work than latchkey computes (a bcrypt cost of 31, PBKDF2 with 20 million iterations) is
 * refused: imported, it would make every sign-in attempt for that name cost minutes of CPU.
 */
public final class DjangoDump {
    private static final int MAX_HASH_LENGTH = 512;

    private final ObjectMapper json;
    private final PasswordHashing hashing;

    /** Hashes are checked against the bounds of {@code hashing}, the one that will verify them. */
    public DjangoDump(ObjectMapper json, PasswordHashing hashing) {
        this.json = json;
        this.hashing = hashing;
    }

    /** All users of the dump; {@code progress} hears the count of records read so far, now and then. */
    public List<ImportedUser> read(InputStream in, IntConsumer progress) {
        var users = new ArrayList<ImportedUser>();
        var seen = new HashMap<String, Integer>();
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
                var user = user(index, record);
                var previous = seen.put(user.username(), index);
                if (previous != null) {
                    throw problem(index, "duplicate username " + user.username() + " (also record " + previous + ")");
                }
                users.add(user);
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
        return users;
    }

    private ImportedUser user(int index, JsonNode record) {
        if (!record.isObject()) {
            throw problem(index, "is not a JSON object");
        }
        var model = record.path("model");
        if (!model.isTextual() || !model.asText().equals("auth.user")) {
            throw problem(index, "is not an auth.user record (model " + model + ")");
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
