package dev.latchkey.server.web.pages;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.server.web.http.Exchange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The stylesheet and the passkey script, each served under a name that carries a hash of its content
 * ({@code /static/app.3f2a…css}): the URL changes whenever the file does, so browsers may keep it a year without
 * asking ({@code immutable}), and a conditional request with the ETag answers 304.
 */
public final class StaticAssets {
    // Read once at start and only ever sent: the bytes are never compared or changed.
    @SuppressWarnings("ArrayRecordComponent")
    private record Asset(String path, String type, byte[] bytes, String etag) {}

    private final Asset css = load("app", "css", "text/css; charset=utf-8");
    private final Asset passkeysJs = load("passkeys", "js", "text/javascript; charset=utf-8");
    private final Map<String, Asset> byPath = Map.of(css.path(), css, passkeysJs.path(), passkeysJs);

    private static Asset load(String name, String extension, String type) {
        var file = "/static/" + name + "." + extension;
        byte[] bytes;
        try (var in = StaticAssets.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException(file + " is missing from the jar");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var hash = HexFormat.of().formatHex(Secrets.sha256(bytes)).substring(0, 16);
        return new Asset("/static/" + name + "." + hash + "." + extension, type, bytes, "\"" + hash + "\"");
    }

    public String cssPath() {
        return css.path();
    }

    /** The script of the passkey buttons on {@code /login} and {@code /account/passkeys}. */
    public String passkeysJsPath() {
        return passkeysJs.path();
    }

    /** True when {@code path} names one of the assets. */
    public boolean serves(String path) {
        return byPath.containsKey(path);
    }

    public void serveCss(Exchange exchange) {
        serve(exchange, css.path());
    }

    /** Answers the asset at {@code path} (one that {@link #serves}). */
    public void serve(Exchange exchange, String path) {
        var asset = byPath.get(path);
        exchange.setHeader("Cache-Control", "public, max-age=31536000, immutable");
        exchange.setHeader("ETag", asset.etag());
        var ifNoneMatch = exchange.header("If-None-Match").orElse("");
        if (ifNoneMatch.equals(asset.etag()) || ifNoneMatch.equals("*")) {
            exchange.send(304, asset.type(), new byte[0]);
            return;
        }
        exchange.send(200, asset.type(), asset.bytes());
    }
}
