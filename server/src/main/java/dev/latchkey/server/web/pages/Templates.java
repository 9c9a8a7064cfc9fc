package dev.latchkey.server.web.pages;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import dev.latchkey.server.web.http.Exchange;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Server-rendered pages from Mustache templates in {@code templates/}; every value is HTML-escaped. */
public final class Templates {
    private final DefaultMustacheFactory factory = new DefaultMustacheFactory("templates");
    private final Map<String, Mustache> compiled = new ConcurrentHashMap<>();
    private final StaticAssets assets;
    private final boolean passkeys;
    private final boolean apps;

    public Templates(StaticAssets assets) {
        this(assets, false, false);
    }

    /**
     * With {@code passkeys}, every page may offer them: {@code {{#passkeys}}} and the script's path; with
     * {@code apps} (the OpenID Provider is on), the account page links to the apps the user allowed.
     */
    public Templates(StaticAssets assets, boolean passkeys, boolean apps) {
        this.assets = assets;
        this.passkeys = passkeys;
        this.apps = apps;
    }

    /**
     * Answers an HTML page: never cached, framed or allowed to load anything from elsewhere. Scripts come from this
     * site's own files only (no inline script), and may call this site only.
     */
    public void page(Exchange x, int status, String name, Map<String, Object> scope) {
        x.noStore();
        x.setHeader(
                "Content-Security-Policy",
                "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; "
                        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        x.setHeader("X-Frame-Options", "DENY");
        x.html(status, render(name, scope));
    }

    public String render(String name, Map<String, Object> scope) {
        var template = compiled.computeIfAbsent(name, n -> factory.compile(n + ".mustache"));
        var values = new HashMap<>(scope);
        values.put("css", assets.cssPath());
        if (passkeys) {
            values.put("passkeys", true);
            values.put("passkeysJs", assets.passkeysJsPath());
        }
        if (apps) {
            values.put("apps_on", true);
        }
        var out = new StringWriter();
        template.execute(out, values);
        return out.toString();
    }
}
