package dev.latchkey.request;

/**
 * What is known of the request a credential came with: the client address (after trusted-proxy resolution) and
 * the user agent. Either may be empty, never null.
 */
public record RequestContext(String clientIp, String userAgent) {
    public static final RequestContext NONE = new RequestContext("", "");
    private static final int MAX_USER_AGENT = 512;

    public RequestContext {
        clientIp = clientIp == null ? "" : clientIp;
        userAgent = userAgent == null
                ? ""
                : userAgent.length() > MAX_USER_AGENT ? userAgent.substring(0, MAX_USER_AGENT) : userAgent;
    }
}
