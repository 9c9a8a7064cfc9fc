package dev.latchkey.server.web.pages;

import dev.latchkey.request.Language;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The words of the pages in each language ({@code templates/text_LANG.properties}), chosen by
 * {@code Accept-Language}. Every language has every key: a test holds them to it.
 */
public final class PageText {
    private final Map<Language, Map<String, String>> texts = new EnumMap<>(Language.class);

    public PageText() {
        for (var language : Language.values()) {
            texts.put(language, load(language));
        }
    }

    private static Map<String, String> load(Language language) {
        var name = "templates/text_" + language.tag() + ".properties";
        try (var in = PageText.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing");
            }
            var properties = new Properties();
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            var map = new HashMap<String, String>();
            properties.forEach((k, v) -> map.put(k.toString(), v.toString()));
            return Map.copyOf(map);
        } catch (IOException e) {
            throw new IllegalStateException(name + " cannot be read", e);
        }
    }

    /** Every word of the language, for a template's {@code {{t.key}}}. */
    public Map<String, String> all(Language language) {
        return texts.get(language);
    }

    /** One text, {@code {name}} replaced by the value that follows it. */
    public String get(Language language, String key, String... namesAndValues) {
        var text = texts.get(language).get(key);
        if (text == null) {
            throw new IllegalArgumentException("no page text " + key + " in " + language);
        }
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            text = text.replace("{" + namesAndValues[i] + "}", namesAndValues[i + 1]);
        }
        return text;
    }
}
