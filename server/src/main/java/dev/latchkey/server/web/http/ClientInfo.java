package dev.latchkey.server.web.http;

import dev.latchkey.request.RequestContext;

/**
 * Who is on the other end, after trusted-proxy resolution: the client's address and whether the client's own
 * connection is HTTPS (directly, or as a trusted TLS-terminating proxy says with {@code X-Forwarded-Proto}).
 */
public record ClientInfo(String ip, boolean https, String userAgent) {
    public RequestContext context() {
        return new RequestContext(ip, userAgent);
    }
}
