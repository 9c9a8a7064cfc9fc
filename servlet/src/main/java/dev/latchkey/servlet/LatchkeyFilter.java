package dev.latchkey.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A Jakarta Servlet 6 filter that makes latchkey's users the app's: {@code request.getUserPrincipal()} is a
 * {@link LatchkeyPrincipal} (its name is latchkey's user id), {@code isUserInRole(g)} is membership of latchkey group
 * {@code g}, and the token's claims are the request attribute {@link #CLAIMS}.
 *
 * <ul>
 *   <li>{@code Authorization: Bearer <jwt>} is verified here, against latchkey's JWKS ({@code jwks-url}), without a
 *       call per request ({@link AccessTokenVerifier}).
 *   <li>A latchkey session cookie, or {@code Authorization: Token <key>}, is checked with latchkey's forward-auth
 *       endpoint ({@code verify-url}), whose answer is kept for {@code cache-seconds} (5).
 * </ul>
 *
 * A presented credential that is not valid is a 401 with {@code WWW-Authenticate}; with {@code required} (the
 * default) so is a request without one. When latchkey cannot be reached and nothing valid is cached, the filter fails
 * closed: 503, never an anonymous pass. Init parameters: {@code jwks-url}, {@code issuer} ({@code latchkey}),
 * {@code audience} ({@code latchkey}), {@code verify-url}, {@code required} ({@code true}), {@code cache-seconds}
 * ({@code 5}), {@code timeout-seconds} ({@code 5}). At least one of {@code jwks-url} and {@code verify-url} is needed.
 */
public final class LatchkeyFilter implements Filter {
    /** The request attribute that holds the caller's claims ({@code Map<String, Object>}). */
    public static final String CLAIMS = "dev.latchkey.claims";

    private static final Logger log = Logger.getLogger(LatchkeyFilter.class.getName());
    private static final String[] SESSION_COOKIES = {"__Host-lk_session", "lk_session"};

    private AccessTokenVerifier tokens;
    private ForwardAuthCheck sessions;
    private boolean required = true;

    @Override
    public void init(FilterConfig config) throws ServletException {
        var jwks = config.getInitParameter("jwks-url");
        var verify = config.getInitParameter("verify-url");
        if (jwks == null && verify == null) {
            throw new ServletException("LatchkeyFilter needs jwks-url, verify-url or both");
        }
        var timeout = Duration.ofSeconds(number(config, "timeout-seconds", 5));
        if (jwks != null) {
            try {
                tokens = new AccessTokenVerifier(
                        URI.create(jwks).toURL(),
                        text(config, "issuer", "latchkey"),
                        text(config, "audience", "latchkey"),
                        timeout);
            } catch (MalformedURLException | IllegalArgumentException e) {
                throw new ServletException("jwks-url is not a URL: " + jwks, e);
            }
        }
        if (verify != null) {
            var http = HttpClient.newBuilder()
                    .connectTimeout(timeout)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
            sessions = new ForwardAuthCheck(
                    URI.create(verify),
                    Duration.ofSeconds(number(config, "cache-seconds", 5)),
                    timeout,
                    Clock.systemUTC(),
                    http);
        }
        required = Boolean.parseBoolean(text(config, "required", "true"));
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        Optional<LatchkeyPrincipal> who;
        try {
            who = identify(request);
        } catch (InvalidCredentials e) {
            refuse(response, 401, "invalid_token", e.getMessage(), true);
            return;
        } catch (Unreachable e) {
            log.log(Level.WARNING, "latchkey could not be asked; refusing the request", e);
            refuse(response, 503, "auth_unavailable", "the sign-in service cannot be reached; try again", false);
            return;
        }
        if (who.isEmpty()) {
            if (required) {
                refuse(response, 401, "not_authenticated", "authentication credentials were not provided", false);
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        chain.doFilter(new Authenticated(request, who.get()), response);
    }

    private Optional<LatchkeyPrincipal> identify(HttpServletRequest request) throws InvalidCredentials, Unreachable {
        var authorization = request.getHeader("Authorization");
        if (authorization != null) {
            var value = authorization.strip();
            int space = value.indexOf(' ');
            var scheme = (space < 0 ? value : value.substring(0, space)).toLowerCase(Locale.ROOT);
            var credential = space < 0 ? "" : value.substring(space + 1).strip();
            if (scheme.equals("bearer") && !credential.startsWith("lk_") && tokens != null) {
                if (credential.isEmpty()) {
                    throw new InvalidCredentials("the Authorization header has no credentials");
                }
                return Optional.of(tokens.verify(credential));
            }
            if ((scheme.equals("token") || scheme.equals("bearer")) && sessions != null) {
                return sessions.check(null, authorization);
            }
            if (scheme.equals("token") || scheme.equals("bearer")) {
                throw new InvalidCredentials("this app takes latchkey's JWTs only");
            }
        }
        var cookies = sessionCookies(request);
        if (cookies != null && sessions != null) {
            return sessions.check(cookies, null);
        }
        return Optional.empty();
    }

    /** Only latchkey's session cookie goes to latchkey; the app's own cookies stay here. */
    private static String sessionCookies(HttpServletRequest request) {
        var cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (var cookie : cookies) {
            for (var name : SESSION_COOKIES) {
                if (cookie.getName().equals(name)) {
                    return name + "=" + cookie.getValue();
                }
            }
        }
        return null;
    }

    private static void refuse(HttpServletResponse response, int status, String code, String detail, boolean token)
            throws IOException {
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        if (status == 401) {
            response.setHeader(
                    "WWW-Authenticate",
                    token ? "Bearer realm=\"latchkey\", error=\"invalid_token\"" : "Bearer realm=\"latchkey\"");
        }
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        var body = "{\"error\":\"" + code + "\",\"detail\":\"" + detail.replace("\"", "'") + "\"}";
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(FilterConfig config, String name, String fallback) {
        var value = config.getInitParameter(name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private static long number(FilterConfig config, String name, long fallback) throws ServletException {
        var value = config.getInitParameter(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.strip());
            if (parsed < 0 || parsed > 3_600) {
                throw new ServletException(name + " must be from 0 to 3600 seconds");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new ServletException(name + " must be a number of seconds: " + value, e);
        }
    }

    /** The request as the app sees it: latchkey's user, groups as roles, claims as an attribute. */
    private static final class Authenticated extends HttpServletRequestWrapper {
        private final LatchkeyPrincipal principal;

        Authenticated(HttpServletRequest request, LatchkeyPrincipal principal) {
            super(request);
            this.principal = principal;
            request.setAttribute(CLAIMS, principal.claims());
        }

        @Override
        public Principal getUserPrincipal() {
            return principal;
        }

        @Override
        public String getRemoteUser() {
            return principal.getName();
        }

        @Override
        public boolean isUserInRole(String role) {
            return role != null && principal.groups().contains(role);
        }

        @Override
        public String getAuthType() {
            return "latchkey";
        }
    }
}
