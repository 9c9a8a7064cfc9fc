package dev.latchkey.server.web.pages;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.server.web.http.Exchange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;

/**
 * The stylesheet, served under a name that carries a hash of its content ({@code /static/app.3f2a…css}): the URL
 * changes whenever the file does, so browsers may keep it a year without asking ({@code immutable}), and a
 * conditional request with the ETag answers 304.
 */
public final class StaticAssets {
    private final byte[] css;
    private final String cssPath;
    private final String etag;

    public StaticAssets() {
        try (var in = StaticAssets.class.getResourceAsStream("/static/app.css")) {
            if (in == null) {
                throw new IllegalStateException("static/app.css is missing from the jar");
            }
            css = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var hash = HexFormat.of().formatHex(Secrets.sha256(css)).substring(0, 16);
        cssPath = "/static/app." + hash + ".css";
        etag = "\"" + hash + "\"";
    }

    public String cssPath() {
        return cssPath;
    }

    public void serveCss(Exchange exchange) {
        exchange.setHeader("Cache-Control", "public, max-age=31536000, immutable");
        exchange.setHeader("ETag", etag);
        var ifNoneMatch = exchange.header("If-None-Match").orElse("");
        if (ifNoneMatch.equals(etag) || ifNoneMatch.equals("*")) {
            exchange.send(304, "text/css; charset=utf-8", new byte[0]);
            return;
        }
        exchange.send(200, "text/css; charset=utf-8", css);
    }
}
