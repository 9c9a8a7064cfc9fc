package dev.latchkey.mail;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import dev.latchkey.request.Language;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a {@link Letter} as a {@link Mail}: subject, paragraphs, an optional action link and a footer from the
 * language's messages, laid out once as plain text and once as HTML (where every value is escaped).
 */
public final class MailTemplates {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");
    private final Mustache text;
    private final Mustache html;
    private final Map<Language, ResourceBundle> messages = new EnumMap<>(Language.class);

    public MailTemplates() {
        var factory = new DefaultMustacheFactory("mail");
        this.text = factory.compile("layout.txt.mustache");
        this.html = factory.compile("layout.html.mustache");
        for (var language : Language.values()) {
            messages.put(language, ResourceBundle.getBundle("mail.messages", language.locale(), NO_FALLBACK));
        }
    }

    private static final ResourceBundle.Control NO_FALLBACK =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

    public Mail write(Letter letter) {
        var bundle = messages.get(letter.language());
        var kind = letter.kind();
        var subject = fill(message(bundle, kind + ".subject"), letter.values());
        var paragraphs = new ArrayList<String>();
        for (var paragraph : message(bundle, kind + ".body").split("\\n\\n", -1)) {
            paragraphs.add(fill(paragraph, letter.values()));
        }
        var scope = new HashMap<String, Object>();
        scope.put("lang", letter.language().tag());
        scope.put("subject", subject);
        scope.put("paragraphs", paragraphs);
        var link = letter.values().get("link");
        if (link != null && bundle.containsKey(kind + ".action")) {
            scope.put("action", Map.of("label", message(bundle, kind + ".action"), "url", link));
        }
        scope.put("footer", fill(message(bundle, "footer"), letter.values()));
        return new Mail(letter.to(), kind, subject, render(text, scope), render(html, scope));
    }

    private static String message(ResourceBundle bundle, String key) {
        try {
            return bundle.getString(key);
        } catch (MissingResourceException e) {
            throw new IllegalArgumentException("no mail text " + key + " for " + bundle.getLocale(), e);
        }
    }

    /** {@code {name}} replaced by the value, or left as it is when there is none. */
    private static String fill(String message, Map<String, String> values) {
        var matcher = PLACEHOLDER.matcher(message);
        var out = new StringBuilder();
        while (matcher.find()) {
            var value = values.get(matcher.group(1));
            matcher.appendReplacement(out, Matcher.quoteReplacement(value == null ? matcher.group() : value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static String render(Mustache template, Map<String, Object> scope) {
        var out = new StringWriter();
        template.execute(out, scope);
        return out.toString();
    }

    /** Every kind of mail the messages define, for tests that write each one in each language. */
    public List<String> kinds() {
        var kinds = new ArrayList<String>();
        for (var key : messages.get(Language.EN).keySet()) {
            if (key.endsWith(".subject")) {
                kinds.add(key.substring(0, key.length() - ".subject".length()));
            }
        }
        kinds.sort(null);
        return kinds;
    }
}
