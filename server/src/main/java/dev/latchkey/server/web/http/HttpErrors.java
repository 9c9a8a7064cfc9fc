package dev.latchkey.server.web.http;

import dev.latchkey.error.LatchkeyException;

/**
 * The refusals of the web layer by name, as DRF's {@code exceptions.py} has them; each carries its wire code and
 * status, and {@link LatchkeyHandler} writes every one of them with the same JSON error body.
 */
public final class HttpErrors {
    private HttpErrors() {
    }

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

    /** 405, with the methods the path allows in {@code Allow}. */
    public static final class MethodNotAllowed extends LatchkeyException {
        public MethodNotAllowed(String method) {
            super("method_not_allowed", 405, method + " is not allowed here");
        }
    }

    /** 404. */
    public static final class NotFoundHere extends LatchkeyException {
        public NotFoundHere() {
            super("not_found", 404, "no such resource");
        }
    }

    /** 408: the request did not arrive in time (a slow body). */
    public static final class RequestTimeout extends LatchkeyException {
        public RequestTimeout() {
            super("request_timeout", 408, "the request body did not arrive in time");
        }
    }
}
