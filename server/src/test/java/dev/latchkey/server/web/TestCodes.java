package dev.latchkey.server.web;

import java.io.ByteArrayOutputStream;
import java.util.regex.Pattern;

/** What tests of second factors read back: a base32 TOTP secret as bytes, a hidden form field's value. */
public final class TestCodes {
    private TestCodes() {}

    /** RFC 4648 base32, as an authenticator app reads the secret. */
    public static byte[] base32(String text) {
        var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var out = new ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < text.length(); i++) {
            buffer = (buffer << 5) | alphabet.indexOf(text.charAt(i));
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }

    /** The value of the hidden field {@code name} in a page. */
    public static String hidden(String html, String name) {
        var m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + html);
        }
        return m.group(1);
    }
}
