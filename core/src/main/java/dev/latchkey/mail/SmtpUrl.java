package dev.latchkey.mail;

import dev.latchkey.net.IpAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Where mail goes: {@code smtp://[user[:password]@]host[:port]} (port 587 unless given; STARTTLS is required unless
 * the host is loopback, so a password and the links in mail never cross a network in the clear) or
 * {@code smtps://...} (TLS from the first byte, port 465). User and password are percent-decoded.
 */
public record SmtpUrl(boolean implicitTls, String host, int port, String user, String password) {

    public SmtpUrl {
        user = user == null ? "" : user;
        password = password == null ? "" : password;
    }

    /** Reads the URL, or throws {@link IllegalArgumentException} saying what is wrong with it (never its password). */
    public static SmtpUrl parse(String text) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL of the form smtp://[user[:password]@]host[:port]");
        }
        var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("smtp") && !scheme.equals("smtps")) {
            throw new IllegalArgumentException("the scheme must be smtp or smtps");
        }
        var host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("the URL names no host");
        }
        if ((uri.getRawPath() != null
                        && !uri.getRawPath().isEmpty()
                        && !uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("the URL must have no path, query or fragment");
        }
        boolean implicitTls = scheme.equals("smtps");
        int port = uri.getPort() == -1 ? (implicitTls ? 465 : 587) : uri.getPort();
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("the port must be between 1 and 65535");
        }
        String user = "";
        String password = "";
        var info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? "" : decode(info.substring(colon + 1));
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new SmtpUrl(implicitTls, host, port, user, password);
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the user or password has a malformed percent-escape");
        }
    }

    /** The server is on this machine: the one case where a plain connection is allowed. */
    public boolean loopback() {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        return IpAddress.parse(host)
                .map(a ->
                        a.isIpv4() ? (a.bytes()[0] & 0xff) == 127 : a.toString().equals("::1"))
                .orElse(false);
    }

    public boolean requiresStartTls() {
        return !implicitTls && !loopback();
    }

    @Override
    public String toString() {
        // Printed at start and in errors: never the password.
        return (implicitTls ? "smtps://" : "smtp://") + (user.isEmpty() ? "" : user + "@")
                + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
