package dev.latchkey.store;

import dev.latchkey.error.InvalidInput;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where the database is, in the forms an operator writes: {@code postgresql://user[:password]@host[:port]/name},
 * {@code sqlite:/path/to/file.sqlite3}, or a {@code jdbc:sqlite:} / {@code jdbc:postgresql:} URL. {@code toString}
 * never shows the password.
 */
public record DatabaseUrl(Dialect dialect, String jdbcUrl, String user, String password) {

    public enum Dialect {
        SQLITE,
        POSTGRESQL
    }

    public static final String ACCEPTED =
            "postgresql://user@host:5432/name, sqlite:/path/file.sqlite3, " + "jdbc:postgresql://..., jdbc:sqlite:...";

    public static DatabaseUrl sqlite(Path file) {
        return new DatabaseUrl(Dialect.SQLITE, "jdbc:sqlite:" + file.toAbsolutePath(), null, null);
    }

    public static DatabaseUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw invalid("is empty");
        }
        if (url.startsWith("jdbc:sqlite:")) {
            return new DatabaseUrl(Dialect.SQLITE, url, null, null);
        }
        if (url.startsWith("sqlite:")) {
            var path = url.substring("sqlite:".length()).replaceFirst("^//", "");
            if (path.isEmpty()) {
                throw invalid("names no file");
            }
            try {
                return sqlite(Path.of(path));
            } catch (java.nio.file.InvalidPathException e) {
                throw invalid("names a file that cannot exist (a NUL or another character no path may hold)");
            }
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return new DatabaseUrl(Dialect.POSTGRESQL, url, null, null);
        }
        if (url.startsWith("postgresql://") || url.startsWith("postgres://")) {
            return postgres(url);
        }
        throw invalid("has an unknown scheme");
    }

    private static DatabaseUrl postgres(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw invalid("is not a valid URL");
        }
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
            throw invalid("needs a host and a database name");
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            var parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : null;
        }
        var port = uri.getPort() > 0 ? ":" + uri.getPort() : "";
        var query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        var jdbc = "jdbc:postgresql://" + uri.getHost() + port + uri.getRawPath() + query;
        return new DatabaseUrl(Dialect.POSTGRESQL, jdbc, user, password);
    }

    private static String decode(String part) {
        // Percent-decoding only: URLDecoder would also turn a '+' in a password into a space.
        return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static InvalidInput invalid(String problem) {
        return new InvalidInput("invalid_setting", "db.url " + problem + "; accepted forms: " + ACCEPTED);
    }

    @Override
    public String toString() {
        return jdbcUrl + (user == null ? "" : " as " + user) + (password == null ? "" : " (password set)");
    }
}
