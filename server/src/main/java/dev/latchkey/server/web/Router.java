package dev.latchkey.server.web;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/** Method and path to endpoint. A known path with another method is 405 with {@code Allow}; the rest 404. */
public final class Router {
    /** What answers one route; {@code param} is the path's one variable part, if it has one. */
    @FunctionalInterface
    public interface Endpoint {
        void handle(Exchange exchange, String param) throws Exception;
    }

    private record Route(String method, String template, Pattern path, Endpoint endpoint) {
    }

    /**
     * The outcome of matching: an endpoint and its route as registered ({@code /api/tokens/{}}: what metrics and
     * logs name), or the methods the path allows (empty: no such path).
     */
    public record Match(Endpoint endpoint, String param, List<String> allowed, String route) {
    }

    private final List<Route> routes = new ArrayList<>();
    /** Routes without a variable part, by path: most requests are found with one hash lookup, no regex. */
    private final Map<String, List<Route>> literal = new HashMap<>();

    /** {@code path} is literal except one {@code {}} that matches a single segment. */
    public Router add(String method, String path, Endpoint endpoint) {
        var regex = Pattern.quote(path).replace("{}", "\\E([^/]+)\\Q");
        var route = new Route(method, path, Pattern.compile(regex), endpoint);
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
            if (routeMethod.equals(method) || routeMethod.equals("GET") && method.equals("HEAD")) {
                return new Match(route.endpoint, m.groupCount() > 0 ? m.group(1) : null, List.of(), route.template);
            }
            allowed.add(routeMethod);
            if (routeMethod.equals("GET")) {
                allowed.add("HEAD");
            }
        }
        return new Match(null, null, List.copyOf(allowed), null);
    }
}
