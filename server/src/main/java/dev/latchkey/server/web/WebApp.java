package dev.latchkey.server.web;

import dev.latchkey.Latchkey;
import dev.latchkey.crypto.SecretBox;
import dev.latchkey.server.web.api.AccountApi;
import dev.latchkey.server.web.api.AuditApi;
import dev.latchkey.server.web.api.ClientApi;
import dev.latchkey.server.web.api.ForwardAuth;
import dev.latchkey.server.web.api.GroupApi;
import dev.latchkey.server.web.api.JwksEndpoint;
import dev.latchkey.server.web.api.JwtApi;
import dev.latchkey.server.web.api.MfaApi;
import dev.latchkey.server.web.api.OpenApiEndpoint;
import dev.latchkey.server.web.api.SessionApi;
import dev.latchkey.server.web.api.SocialApi;
import dev.latchkey.server.web.api.TokenApi;
import dev.latchkey.server.web.api.WebAuthnApi;
import dev.latchkey.server.web.caller.Audits;
import dev.latchkey.server.web.caller.CookiePolicy;
import dev.latchkey.server.web.caller.Csrf;
import dev.latchkey.server.web.caller.CurrentUser;
import dev.latchkey.server.web.caller.ProviderFailures;
import dev.latchkey.server.web.caller.SessionCookies;
import dev.latchkey.server.web.caller.SiteOrigin;
import dev.latchkey.server.web.http.BodyReader;
import dev.latchkey.server.web.http.Cors;
import dev.latchkey.server.web.http.Health;
import dev.latchkey.server.web.http.HttpServer;
import dev.latchkey.server.web.http.RequestObserver;
import dev.latchkey.server.web.http.Router;
import dev.latchkey.server.web.http.TrustedProxies;
import dev.latchkey.server.web.pages.AccountPages;
import dev.latchkey.server.web.pages.MfaPages;
import dev.latchkey.server.web.pages.PageText;
import dev.latchkey.server.web.pages.Pages;
import dev.latchkey.server.web.pages.PasskeyPages;
import dev.latchkey.server.web.pages.SocialPages;
import dev.latchkey.server.web.pages.StaticAssets;
import dev.latchkey.server.web.pages.Templates;
import dev.latchkey.server.web.provider.AppsPages;
import dev.latchkey.server.web.provider.AuthorizePages;
import dev.latchkey.server.web.provider.Discovery;
import dev.latchkey.server.web.provider.LogoutPages;
import dev.latchkey.server.web.provider.ProviderApi;
import java.net.URI;
import org.eclipse.jetty.http.HttpCookie;

/** Wires the HTTP surface from the library: the one composition root of the web layer. */
public final class WebApp {
    private WebApp() {}

    /**
     * How the web layer is set up beyond the library.
     *
     * @param proxies     whose {@code X-Forwarded-*} headers are believed
     * @param logRequests one log line per request ({@code log.requests})
     * @param limits      what one client, and all of them, may hold (bodies' deadline and bytes in flight)
     * @param publicUrl   how browsers reach latchkey ({@code server.public_url}), or null to go by {@code Host}
     * @param cors        the frontends on other origins that may call the JSON API ({@code http.cors_origins})
     * @param sameSite    the session and CSRF cookies' {@code SameSite} ({@code session.cookie_samesite})
     * @param health      what answers {@code /healthz} and {@code /readyz} (the one a stopping server drains), or
     *                    null for one of its own
     */
    public record Options(
            TrustedProxies proxies,
            boolean logRequests,
            HttpServer.Limits limits,
            URI publicUrl,
            Cors cors,
            HttpCookie.SameSite sameSite,
            Health health) {
        public Options(TrustedProxies proxies, boolean logRequests, HttpServer.Limits limits, URI publicUrl) {
            this(proxies, logRequests, limits, publicUrl, Cors.none(), HttpCookie.SameSite.LAX, null);
        }

        public Options(
                TrustedProxies proxies, boolean logRequests, HttpServer.Limits limits, URI publicUrl, Health health) {
            this(proxies, logRequests, limits, publicUrl, Cors.none(), HttpCookie.SameSite.LAX, health);
        }

        public static Options of(TrustedProxies proxies) {
            return new Options(proxies, false, HttpServer.Limits.DEFAULT, null);
        }

        /** These options with CORS for {@code cors} and cookies of this {@code SameSite}. */
        public Options crossOrigin(Cors cors, HttpCookie.SameSite sameSite) {
            return new Options(proxies, logRequests, limits, publicUrl, cors, sameSite, health);
        }
    }

    public static LatchkeyHandler handler(Latchkey latchkey, TrustedProxies proxies) {
        return handler(latchkey, Options.of(proxies));
    }

    public static LatchkeyHandler handler(Latchkey latchkey, Options options) {
        var proxies = options.proxies();
        var sessionSettings = latchkey.sessions().settings();
        var cookies = new CookiePolicy(
                sessionSettings.idleTimeout(), sessionSettings.expireAtBrowserClose(), options.sameSite());
        var secrets = latchkey.secrets();
        var site = new SiteOrigin(options.publicUrl());
        var csrf = new Csrf(cookies, secrets, site);
        var assets = new StaticAssets();
        var templates = new Templates(
                assets,
                latchkey.passkeys().isPresent(),
                latchkey.openIdProvider().isPresent());
        var audits = new Audits(latchkey.audit(), latchkey.clock());
        var browser = new SessionCookies(latchkey.sessions(), cookies, csrf, audits);
        var router = new Router();
        var sessionApi = new SessionApi(
                latchkey.signIn(), latchkey.sessions(), browser, audits, latchkey.groups(), latchkey.clock());
        sessionApi.register(router);
        latchkey.passkeys()
                .ifPresent(passkeys -> new PasskeyPages(passkeys, csrf, templates, latchkey.clock()).register(router));
        var accountPages =
                new AccountPages(latchkey.accounts(), latchkey.sessions(), browser, csrf, templates, latchkey.clock());
        accountPages.register(router);
        var mfaPages = new MfaPages(
                latchkey.twoStep(),
                latchkey.totp(),
                latchkey.recoveryCodes(),
                latchkey.signIn(),
                latchkey.sessions(),
                browser,
                csrf,
                templates,
                latchkey.clock());
        mfaPages.register(router);
        new AccountApi(latchkey.accounts(), latchkey.sessions(), browser, latchkey.clock()).register(router);
        new Pages(
                        latchkey.signIn(),
                        latchkey.sessions(),
                        latchkey.audit(),
                        browser,
                        csrf,
                        templates,
                        audits,
                        latchkey.socialLogin(),
                        accountPages,
                        mfaPages)
                .register(router);
        // Without an instance secret (a library user's choice) pending sign-ins are sealed under a key of this
        // process alone: they then finish only on the node that started them.
        var pendingBox = latchkey.secretBox("pending social sign-in")
                .orElseGet(() -> new SecretBox(secrets.bytes(32), "pending social sign-in", secrets));
        var providerFailures = new ProviderFailures(latchkey.meters());
        new SocialPages(
                        latchkey.socialLogin(),
                        latchkey.signIn(),
                        browser,
                        cookies,
                        templates,
                        secrets,
                        pendingBox,
                        latchkey.json(),
                        site,
                        latchkey.singleUse(),
                        latchkey.clock(),
                        providerFailures,
                        mfaPages)
                .register(router);
        new SocialApi(
                        latchkey.socialLogin(),
                        latchkey.signIn(),
                        latchkey.tokenFamilies(),
                        latchkey.singleUse(),
                        latchkey.clock(),
                        providerFailures)
                .register(router);
        var tokenApi = new TokenApi(latchkey.signIn(), latchkey.apiTokens(), audits, latchkey.clock());
        tokenApi.register(router);
        new AuditApi(latchkey.audit(), latchkey.users()).register(router);
        var jwtApi = new JwtApi(latchkey.signIn(), latchkey.tokenFamilies(), latchkey.clock());
        jwtApi.register(router);
        // Passkeys only with an RP id (server.public_url): without one, the routes do not exist.
        latchkey.passkeys()
                .ifPresent(passkeys -> new WebAuthnApi(
                                passkeys, sessionApi, jwtApi, tokenApi, latchkey.twoStep(), latchkey.clock())
                        .register(router));
        new MfaApi(
                        latchkey.twoStep(),
                        latchkey.totp(),
                        latchkey.recoveryCodes(),
                        latchkey.signIn(),
                        latchkey.sessions(),
                        sessionApi,
                        jwtApi,
                        tokenApi,
                        latchkey.clock())
                .register(router);
        new JwksEndpoint(latchkey.signingKeys()).register(router);
        new ForwardAuth(latchkey.groups()).register(router);
        new GroupApi(latchkey.groups(), latchkey.users()).register(router);
        // The OpenID Provider only with an issuer (server.public_url): without one, the routes do not exist.
        latchkey.openIdProvider().ifPresent(provider -> {
            var text = new PageText();
            new Discovery(provider).register(router);
            new ProviderApi(provider, latchkey.throttle(), latchkey.meters()).register(router);
            new AuthorizePages(provider, latchkey.twoStep(), csrf, templates, text, latchkey.clock(), audits)
                    .register(router);
            new LogoutPages(provider, browser, csrf, templates, text, audits).register(router);
            new AppsPages(provider, csrf, templates, text).register(router);
        });
        new ClientApi(latchkey.clients()).register(router);
        // Last: the document describes every route registered before it, and itself.
        new OpenApiEndpoint(router).register(router);
        var currentUser = new CurrentUser(latchkey.sessions(), latchkey.userCache(), latchkey.authenticator(), cookies);
        return new LatchkeyHandler(
                router,
                currentUser,
                csrf,
                proxies,
                latchkey.json(),
                assets,
                options.health() != null ? options.health() : new Health(latchkey.database()),
                new RequestObserver(latchkey.meters(), options.logRequests()),
                options.limits().bodyTimeout(),
                new BodyReader.Budget(options.limits().bodyBytesInFlight()),
                options.cors());
    }
}
