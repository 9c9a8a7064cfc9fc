package dev.latchkey.mail;

import dev.latchkey.request.Language;
import java.util.Map;
import java.util.Objects;

/**
 * A mail before it is written: which one ({@code kind}), to whom, in which language, with what values. The words
 * come from {@code mail/messages_LANG.properties}, the layout from {@code mail/layout.{txt,html}.mustache}.
 */
public record Letter(String kind, String to, Language language, Map<String, String> values) {
    public Letter {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(language, "language");
        values = Map.copyOf(values);
    }
}
