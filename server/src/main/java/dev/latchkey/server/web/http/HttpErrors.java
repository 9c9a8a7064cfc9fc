package dev.latchkey.server.web.http;

import dev.latchkey.error.LatchkeyException;

/**
 * The refusals of the web layer by name, as DRF's {@code exceptions.py} has them; each carries its wire code and
 * status, and every one is written by {@link ErrorBody}. Refusals that are about the engine's concepts (bad input, a
 * throttled sign-in, an unknown session) are core's ({@code dev.latchkey.error}); {@code InvalidToken} is the
 * caller's.
 */
public final class HttpErrors {
    private HttpErrors() {}

    /** 401: no credential that this route accepts was presented. */
    public static final class NotAuthenticated extends LatchkeyException {
        public NotAuthenticated(String detail) {
            super("not_authenticated", 401, detail);
        }

        public NotAuthenticated() {
            this("authentication credentials were not provided");
        }
    }

    /** 403: the caller is known but may not do this. */
    public static final class PermissionDenied extends LatchkeyException {
        public PermissionDenied(String detail) {
            super("permission_denied", 403, detail);
        }
    }

    /** 403: a cookie-authenticated unsafe request without the right CSRF token, or from another site. */
    public static final class CsrfFailed extends LatchkeyException {
        public CsrfFailed(String detail) {
            super("csrf_failed", 403, detail);
        }
    }

    /** 403: a CORS preflight from an origin that is not listed, or asking for a method or header not allowed. */
    public static final class CorsRefused extends LatchkeyException {
        public CorsRefused(String detail) {
            super("cors_refused", 403, detail);
        }
    }

    /** 405, with the methods the path allows in {@code Allow}. */
    public static final class MethodNotAllowed extends LatchkeyException {
        public MethodNotAllowed(String method) {
            super("method_not_allowed", 405, method + " is not allowed here");
        }
    }

    /** 404: nothing is served at this path. */
    public static final class NotFoundHere extends LatchkeyException {
        public NotFoundHere(String detail) {
            super("not_found", 404, detail);
        }

        public NotFoundHere() {
            this("no such resource");
        }
    }

    /** 408: the request did not arrive in time (a slow body). */
    public static final class RequestTimeout extends LatchkeyException {
        public RequestTimeout() {
            super("request_timeout", 408, "the request body did not arrive in time");
        }
    }

    /** 413: the body is over {@link Exchange#MAX_BODY}. */
    public static final class BodyTooLarge extends LatchkeyException {
        public BodyTooLarge() {
            super("body_too_large", 413, "the body is larger than " + Exchange.MAX_BODY + " bytes");
        }
    }

    /** 415: the body is not in the one media type the endpoint reads. */
    public static final class UnsupportedMediaType extends LatchkeyException {
        public UnsupportedMediaType(String detail) {
            super("unsupported_media_type", 415, detail);
        }
    }

    /** 500: a failure nobody meant; the detail names nothing internal, the cause goes to the log. */
    public static final class ServerError extends LatchkeyException {
        public ServerError(String detail) {
            super("internal_error", 500, detail);
        }
    }

    /** 503: the listener is up but the application (database, migrations) did not get ready in time. */
    public static final class StillStarting extends LatchkeyException {
        public StillStarting() {
            super("starting", 503, "the server is not ready");
        }
    }
}
