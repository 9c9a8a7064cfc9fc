package dev.latchkey.server.web.http;

import java.io.IOException;
import java.util.Locale;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors that Jetty itself answers before any handler runs (a header section too large: 431, a malformed request:
 * 400) in the same JSON shape as every other error ({@link ErrorBody}), without stack traces or server details.
 */
public final class JsonErrorHandler extends ErrorHandler {
    public JsonErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
        setShowMessageInTitle(false);
    }

    /** Every method gets its JSON error; Jetty's default writes a body only for GET, POST and HEAD. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback)
            throws IOException {
        var reason = HttpStatus.getMessage(code);
        ErrorBody.send(request, response, callback, code, errorCode(reason), reason);
    }

    /** {@code Request Header Fields Too Large} as {@code request_header_fields_too_large}. */
    private static String errorCode(String reason) {
        return reason.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
    }
}
