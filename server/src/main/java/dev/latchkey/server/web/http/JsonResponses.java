package dev.latchkey.server.web.http;

import java.util.LinkedHashMap;
import java.util.Map;

/** JSON objects with their keys in the order written, for response bodies. */
public final class JsonResponses {
    private JsonResponses() {}

    public static Map<String, Object> object(Object... keysAndValues) {
        var map = new LinkedHashMap<String, Object>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
