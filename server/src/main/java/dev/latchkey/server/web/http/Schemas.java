package dev.latchkey.server.web.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON Schema (2020-12, as OpenAPI 3.1 has it) as plain maps, built by a few small functions. */
public final class Schemas {
    private Schemas() {}

    public static Map<String, Object> string() {
        return Map.of("type", "string");
    }

    public static Map<String, Object> string(String description) {
        return Map.of("type", "string", "description", description);
    }

    public static Map<String, Object> dateTime() {
        return Map.of("type", "string", "format", "date-time");
    }

    public static Map<String, Object> integer() {
        return Map.of("type", "integer", "format", "int64");
    }

    public static Map<String, Object> bool() {
        return Map.of("type", "boolean");
    }

    /** A value that may also be null. */
    public static Map<String, Object> nullable(Map<String, Object> schema) {
        var type = schema.get("type");
        if (type instanceof String name) {
            var copy = new LinkedHashMap<>(schema);
            copy.put("type", List.of(name, "null"));
            return copy;
        }
        return Map.of("oneOf", List.of(schema, Map.of("type", "null")));
    }

    public static Map<String, Object> array(Map<String, Object> items) {
        return Map.of("type", "array", "items", items);
    }

    /** A schema of {@code components/schemas}. */
    public static Map<String, Object> ref(String name) {
        return Map.of("$ref", "#/components/schemas/" + name);
    }

    /**
     * An object of these properties (name, schema, name, schema, ...); a name that ends in {@code *} is required (the
     * star is not part of it). Other properties are allowed, so that an answer may grow.
     */
    public static Map<String, Object> object(Object... namesAndSchemas) {
        var properties = new LinkedHashMap<String, Object>();
        var required = new ArrayList<String>();
        for (int i = 0; i < namesAndSchemas.length; i += 2) {
            var name = (String) namesAndSchemas[i];
            if (name.endsWith("*")) {
                name = name.substring(0, name.length() - 1);
                required.add(name);
            }
            properties.put(name, namesAndSchemas[i + 1]);
        }
        var schema = new LinkedHashMap<String, Object>();
        schema.put("type", "object");
        schema.put("properties", properties);
        if (!required.isEmpty()) {
            schema.put("required", required);
        }
        return schema;
    }
}
