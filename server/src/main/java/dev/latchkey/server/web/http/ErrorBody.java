package dev.latchkey.server.web.http;

import com.fasterxml.jackson.core.JsonFactory;
import dev.latchkey.error.LatchkeyException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The one writer of JSON error answers, whoever refuses the request: an endpoint or the dispatcher (through
 * {@link Exchange#error}), Jetty itself ({@link JsonErrorHandler}), a server still starting ({@link StartingHandler})
 * and the management listener ({@link Management}). Always {@code {"error": "<code>", "detail": "<text>"}} in UTF-8,
 * and never cached ({@code no-store}).
 */
public final class ErrorBody {
    public static final String CONTENT_TYPE = "application/json; charset=utf-8";
    private static final JsonFactory JSON = new JsonFactory();

    private ErrorBody() {}

    /** Answers the request with the error; a HEAD request gets the headers alone. */
    public static void send(Request request, Response response, Callback callback, LatchkeyException error) {
        send(request, response, callback, error.status(), bytes(error.code(), error.detail(), error.fields()));
    }

    /** Answers the request with this status, code and detail; a HEAD request gets the headers alone. */
    public static void send(
            Request request, Response response, Callback callback, int status, String code, String detail) {
        send(request, response, callback, status, bytes(code, detail));
    }

    private static void send(Request request, Response response, Callback callback, int status, byte[] bytes) {
        response.setStatus(status);
        var headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
        headers.put(HttpHeader.CACHE_CONTROL, Policy.NO_STORE);
        headers.put(HttpHeader.CONTENT_LENGTH, bytes.length);
        if (HttpMethod.HEAD.is(request.getMethod())) {
            callback.succeeded();
            return;
        }
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    /** The body itself, escaped as JSON whatever the detail holds (quotes, control characters, any script). */
    static byte[] bytes(String code, String detail) {
        return bytes(code, detail, java.util.Map.of());
    }

    /** With the error's own {@code fields} after the two (strings, or lists of strings; others are left out). */
    static byte[] bytes(String code, String detail, java.util.Map<String, Object> fields) {
        var out = new ByteArrayOutputStream(32 + (detail == null ? 0 : detail.length()));
        try (var json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("error", code);
            json.writeStringField("detail", detail);
            for (var field : new java.util.TreeMap<>(fields).entrySet()) {
                if (field.getValue() instanceof String text) {
                    json.writeStringField(field.getKey(), text);
                } else if (field.getValue() instanceof java.util.List<?> list) {
                    json.writeArrayFieldStart(field.getKey());
                    for (var item : list) {
                        json.writeString(String.valueOf(item));
                    }
                    json.writeEndArray();
                }
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("an error body could not be written", e); // never, into memory
        }
        return out.toByteArray();
    }
}
