package dev.latchkey.request;

import java.util.Locale;

/**
 * The languages pages and mails are written in, chosen from a request's {@code Accept-Language} (RFC 9110 §12.5.4:
 * the highest weight wins, English when nothing offered is known).
 */
public enum Language {
    EN(Locale.ENGLISH),
    KO(Locale.KOREAN);

    private static final int MAX_HEADER = 1_024;
    private final Locale locale;

    Language(Locale locale) {
        this.locale = locale;
    }

    public Locale locale() {
        return locale;
    }

    /** The lower-case tag, as stored with a request that is answered later ({@code en}, {@code ko}). */
    public String tag() {
        return locale.getLanguage();
    }

    /** The language of a stored tag; English for anything else. */
    public static Language ofTag(String tag) {
        for (var language : values()) {
            if (language.tag().equals(tag)) {
                return language;
            }
        }
        return EN;
    }

    /** The best known language of an {@code Accept-Language} header; English for null, junk or nothing known. */
    public static Language fromAcceptLanguage(String header) {
        if (header == null || header.isEmpty() || header.length() > MAX_HEADER) {
            return EN;
        }
        Language best = EN;
        double bestWeight = 0;
        for (var range : header.split(",", 32)) {
            var parts = range.trim().split(";", 4);
            var tag = parts[0].trim().toLowerCase(Locale.ROOT);
            double weight = 1;
            for (int i = 1; i < parts.length; i++) {
                var parameter = parts[i].trim();
                if (parameter.startsWith("q=")) {
                    weight = weight(parameter.substring(2));
                }
            }
            var primary = tag.contains("-") ? tag.substring(0, tag.indexOf('-')) : tag;
            for (var language : values()) {
                if (language.tag().equals(primary) && weight > bestWeight) {
                    best = language;
                    bestWeight = weight;
                }
            }
        }
        return best;
    }

    private static double weight(String text) {
        if (text.isEmpty() || text.length() > 5) {
            return 0;
        }
        try {
            double weight = Double.parseDouble(text);
            return weight >= 0 && weight <= 1 ? weight : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
