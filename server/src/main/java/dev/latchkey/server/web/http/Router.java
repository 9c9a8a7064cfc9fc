package dev.latchkey.server.web.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Method and path to endpoint and its {@link Policy}. A known path with another method is 405 with {@code Allow}; the
 * rest 404. Every route is registered with its policy: there is no way to add one without.
 */
public final class Router {
    /** What answers one route; {@code param} is the path's one variable part, if it has one. */
    @FunctionalInterface
    public interface Endpoint {
        void handle(Exchange exchange, String param) throws Exception;
    }

    /**
     * A route as registered: what the OpenAPI document, the route tests and the metrics name.
     *
     * @param doc what the OpenAPI document says of it; null only for a route registered without one, which the
     *            document tests refuse
     */
    public record Route(String method, String template, Policy policy, Pattern path, Endpoint endpoint, Doc doc) {}

    /**
     * The outcome of matching: an endpoint and its route as registered ({@code /api/tokens/{}}: what metrics and
     * logs name), or the methods the path allows (empty: no such path).
     */
    public record Match(Endpoint endpoint, Policy policy, String param, List<String> allowed, String route) {}

    private final List<Route> routes = new ArrayList<>();
    private final List<Route> all = new ArrayList<>();
    /** Routes without a variable part, by path: most requests are found with one hash lookup, no regex. */
    private final Map<String, List<Route>> literal = new HashMap<>();

    /** {@code path} is literal except one {@code {}} that matches a single segment. */
    public Router add(String method, String path, Policy policy, Endpoint endpoint) {
        return add(method, path, policy, null, endpoint);
    }

    /**
     * {@code path} is literal except one {@code {}} that matches a single segment; {@code doc} is what the OpenAPI
     * document says of the route.
     */
    public Router add(String method, String path, Policy policy, Doc doc, Endpoint endpoint) {
        Objects.requireNonNull(policy, "every route declares its policy");
        Objects.requireNonNull(endpoint, "endpoint");
        var regex = Pattern.quote(path).replace("{}", "\\E([^/]+)\\Q");
        var route = new Route(method, path, policy, Pattern.compile(regex), endpoint, doc);
        all.add(route);
        if (path.contains("{}")) {
            routes.add(route);
        } else {
            literal.computeIfAbsent(path, p -> new ArrayList<>()).add(route);
        }
        return this;
    }

    public Match match(String method, String path) {
        var allowed = new LinkedHashSet<String>();
        var candidates = literal.getOrDefault(path, routes);
        for (var route : candidates) {
            var m = route.path.matcher(path);
            if (!m.matches()) {
                continue;
            }
            var routeMethod = route.method;
            if (routeMethod.equals(method) || (routeMethod.equals("GET") && method.equals("HEAD"))) {
                return new Match(
                        route.endpoint,
                        route.policy,
                        m.groupCount() > 0 ? m.group(1) : null,
                        List.of(),
                        route.template);
            }
            allowed.add(routeMethod);
            if (routeMethod.equals("GET")) {
                allowed.add("HEAD");
            }
        }
        return new Match(null, null, null, List.copyOf(allowed), null);
    }

    /** The routes whose path matches, whatever their method (what a CORS preflight asks about). */
    public List<Route> at(String path) {
        var found = new ArrayList<Route>();
        for (var route : literal.getOrDefault(path, routes)) {
            if (route.path.matcher(path).matches()) {
                found.add(route);
            }
        }
        return found;
    }

    /** Every route, in the order registered. */
    public List<Route> routes() {
        return List.copyOf(all);
    }
}
