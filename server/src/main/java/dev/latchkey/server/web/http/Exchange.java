package dev.latchkey.server.web.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.error.LatchkeyException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One request and its response, with what handlers need and nothing they should not do themselves: bounded body
 * reading, the client after proxy resolution, the caller resolved once, and the few ways to answer.
 */
public final class Exchange {
    /** Bodies of the auth endpoints are small; anything larger is refused (413) before it is read whole. */
    public static final int MAX_BODY = 64 * 1024;

    private final Request request;
    private final Response response;
    private final Callback callback;
    private final ClientInfo client;
    private final ObjectMapper json;
    private final String path;
    private final byte[] body;
    private Caller caller;
    private String route = "unmatched";
    private Map<String, String> form;

    /** @param body the request's body, already read whole ({@link BodyReader}); empty when it has none */
    public Exchange(
            Request request, Response response, Callback callback, ClientInfo client, ObjectMapper json, byte[] body) {
        this.body = body;
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.client = client;
        this.json = json;
        this.path = Request.getPathInContext(request);
    }

    public String method() {
        return request.getMethod();
    }

    public String path() {
        return path;
    }

    /**
     * The path as logs may show it: the route as registered when it has a parameter ({@code /password/reset/{}}),
     * since a parameter may be a mailed single-use token; otherwise the path itself.
     */
    public String pathForLog() {
        return route.contains("{}") ? route : path();
    }

    /** The route that answered, as registered ({@code /api/tokens/{}}), or {@code unmatched}. */
    public String route() {
        return route;
    }

    public void route(String value) {
        this.route = value;
    }

    /** The status set so far (200 until something else is set). */
    public int status() {
        return response.getStatus();
    }

    public ClientInfo client() {
        return client;
    }

    public Caller caller() {
        return caller;
    }

    public void caller(Caller resolved) {
        this.caller = resolved;
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(request.getHeaders().get(name));
    }

    /** The cookie's value; a Cookie header that Jetty cannot parse is a 400, never a 500. */
    public Optional<String> cookie(String name) {
        java.util.List<HttpCookie> cookies;
        try {
            cookies = Request.getCookies(request);
        } catch (RuntimeException e) {
            throw new InvalidInput("malformed_cookie", "the Cookie header is malformed");
        }
        for (var cookie : cookies) {
            if (cookie.getName().equals(name)) {
                return Optional.of(cookie.getValue());
            }
        }
        return Optional.empty();
    }

    public Optional<String> query(String name) {
        try {
            return Optional.ofNullable(Request.extractQueryParameters(request, StandardCharsets.UTF_8)
                    .getValue(name));
        } catch (RuntimeException e) {
            throw new InvalidInput("the query string is malformed");
        }
    }

    /**
     * Every name and value of the query string ({@code fromBody} false) or of the url-encoded form body (true), in
     * order, repeats kept: OAuth refuses a parameter given twice (RFC 6749 §3.1), so the caller must see repeats.
     */
    public java.util.List<Map.Entry<String, String>> parameters(boolean fromBody) {
        String text;
        if (fromBody) {
            var type = header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
            if (!type.startsWith("application/x-www-form-urlencoded")) {
                throw new HttpErrors.UnsupportedMediaType("send the form as application/x-www-form-urlencoded");
            }
            text = new String(body, StandardCharsets.UTF_8);
        } else {
            text = request.getHttpURI().getQuery();
        }
        var pairs = new java.util.ArrayList<Map.Entry<String, String>>();
        if (text == null || text.isEmpty()) {
            return pairs;
        }
        try {
            for (var pair : text.split("&", -1)) {
                if (pair.isEmpty()) {
                    continue;
                }
                var kv = pair.split("=", 2);
                pairs.add(Map.entry(
                        URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : ""));
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidInput(
                    fromBody ? "malformed_form" : "invalid_parameter", "the parameters are not valid url-encoding");
        }
        return pairs;
    }

    /** GET or HEAD. */
    public boolean isRead() {
        var method = method();
        return method.equals("GET") || method.equals("HEAD");
    }

    public boolean isUnsafeMethod() {
        return switch (method()) {
            case "GET", "HEAD", "OPTIONS" -> false;
            default -> true;
        };
    }

    /** The body as a JSON object; 415 unless sent as JSON, 400 unless an object, 413 over {@link #MAX_BODY}. */
    public JsonNode jsonObject() {
        var type = header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/json")) {
            throw new HttpErrors.UnsupportedMediaType("send the body as application/json");
        }
        var bytes = body;
        JsonNode node;
        try {
            node = json.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new InvalidInput("malformed_json", "the body is not valid JSON");
        } catch (IOException e) {
            throw new InvalidInput("malformed_json", "the body could not be read");
        }
        if (node == null || !node.isObject()) {
            throw new InvalidInput("malformed_json", "the body must be a JSON object");
        }
        return node;
    }

    /** The body as {@code application/x-www-form-urlencoded} fields (the first value of each name), parsed once. */
    public Map<String, String> form() {
        if (form == null) {
            form = Map.copyOf(parseForm());
        }
        return form;
    }

    private Map<String, String> parseForm() {
        var type = header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/x-www-form-urlencoded")) {
            throw new HttpErrors.UnsupportedMediaType("send the form as application/x-www-form-urlencoded");
        }
        var text = new String(body, StandardCharsets.UTF_8);
        var fields = new HashMap<String, String>();
        if (text.isEmpty()) {
            return fields;
        }
        try {
            for (var pair : text.split("&", -1)) {
                if (pair.isEmpty()) {
                    continue; // "a=1&&b=2" holds two fields (WHATWG URL, application/x-www-form-urlencoded parsing)
                }
                var kv = pair.split("=", 2);
                var name = URLDecoder.decode(kv[0], StandardCharsets.UTF_8);
                var value = kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
                fields.putIfAbsent(name, value);
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidInput("malformed_form", "the form is not valid url-encoding");
        }
        return fields;
    }

    public void setHeader(String name, String value) {
        response.getHeaders().put(name, value);
    }

    /** Adds a value to a header that may hold several ({@code Vary}). */
    public void addHeader(String name, String value) {
        response.getHeaders().add(name, value);
    }

    public boolean hasHeader(String name) {
        return response.getHeaders().contains(name);
    }

    public void noStore() {
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    }

    public void addCookie(HttpCookie cookie) {
        Response.addCookie(response, cookie);
    }

    public void json(int status, Object body) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a response body could not be written as JSON", e);
        }
        send(status, "application/json; charset=utf-8", bytes);
    }

    /** Answers the error in the one JSON error shape ({@link ErrorBody}), never cached. */
    public void error(LatchkeyException error) {
        ErrorBody.send(request, response, callback, error);
    }

    public void html(int status, String html) {
        send(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    public void noContent() {
        response.setStatus(204);
        callback.succeeded();
    }

    /** 303 See Other: after a form POST the browser follows with a GET. */
    public void redirect(String location) {
        redirect(303, location);
    }

    /** 302 where a client expects it (a proxy passing the answer on); 303 ("see other, with GET") elsewhere. */
    public void redirect(int status, String location) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.LOCATION, location);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
        callback.succeeded();
    }

    public void send(int status, String contentType, byte[] bytes) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        if (method().equals("HEAD")) {
            callback.succeeded();
            return;
        }
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    public boolean isCommitted() {
        return response.isCommitted();
    }
}
