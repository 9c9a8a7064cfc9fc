package dev.latchkey.server.web;

import dev.latchkey.Latchkey;
import dev.latchkey.crypto.Secrets;

/** Wires the HTTP surface from the library: the one composition root of the web layer. */
public final class WebApp {
    private WebApp() {
    }

    public static LatchkeyHandler handler(Latchkey latchkey, TrustedProxies proxies) {
        return handler(latchkey, proxies, false);
    }

    /** @param logRequests one log line per request ({@code log.requests}) */
    public static LatchkeyHandler handler(Latchkey latchkey, TrustedProxies proxies, boolean logRequests) {
        var sessionSettings = latchkey.sessions().settings();
        var cookies = new CookiePolicy(sessionSettings.idleTimeout(), sessionSettings.expireAtBrowserClose());
        var csrf = new Csrf(cookies, Secrets.create());
        var assets = new StaticAssets();
        var templates = new Templates(assets);
        var audits = new Audits(latchkey.audit(), latchkey.clock());
        var browser = new SessionCookies(latchkey.sessions(), cookies, csrf, audits);
        var router = new Router();
        new SessionApi(latchkey.signIn(), latchkey.sessions(), browser, csrf, audits).register(router);
        new Pages(latchkey.signIn(), latchkey.sessions(), latchkey.audit(), browser, csrf, templates, audits,
                latchkey.socialLogin()).register(router);
        var socialPages = new SocialPages(latchkey.socialLogin(), latchkey.authenticator(), latchkey.sessions(),
                browser, templates,
                Secrets.create(), latchkey.clock(), latchkey.meters());
        socialPages.register(router);
        new SocialApi(latchkey.socialLogin(), latchkey.authenticator(), latchkey.jwtTokens(), latchkey.clock(),
                socialPages).register(router);
        new TokenApi(latchkey.signIn(), latchkey.apiTokens(), csrf, audits).register(router);
        new AuditApi(latchkey.audit(), latchkey.users()).register(router);
        new JwtApi(latchkey.signIn(), latchkey.jwtTokens(), csrf, latchkey.clock()).register(router);
        new JwksEndpoint(latchkey.signingKeys()).register(router);
        new ForwardAuth().register(router);
        var currentUser = new CurrentUser(latchkey.sessions(), latchkey.userCache(), latchkey.authenticator(), cookies);
        return new LatchkeyHandler(router, currentUser, csrf, proxies, latchkey.json(), assets,
                new Health(latchkey.database()), new RequestObserver(latchkey.meters(), logRequests));
    }
}
