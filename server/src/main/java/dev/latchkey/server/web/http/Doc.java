package dev.latchkey.server.web.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the OpenAPI document says of one route, declared beside its policy where the route is registered, so the
 * document cannot drift from what is served: a summary, the path parameter, query parameters, the request body and
 * every answer the endpoint itself gives. The answers that follow from the policy (401, 403 for CSRF and staff, 400,
 * 413 and 415 for bodies, 503) are added by {@link OpenApi}; the route tests check that every status a route answers
 * is in the document.
 */
public final class Doc {
    /** One answer: its status, what it means, and its JSON schema (null: no JSON body). */
    public record Answer(int status, String description, String mediaType, Map<String, Object> schema) {}

    /** A query parameter, always a string on the wire. */
    public record Query(String name, String description) {}

    private final String summary;
    private String description = "";
    private String param;
    private String paramDescription;
    private final List<Query> queries = new ArrayList<>();
    private String bodyType;
    private Map<String, Object> body;
    private final Map<Integer, Answer> answers = new LinkedHashMap<>();

    private Doc(String summary) {
        this.summary = Objects.requireNonNull(summary, "summary");
        if (summary.isBlank()) {
            throw new IllegalArgumentException("a route's summary says what it does");
        }
    }

    public static Doc of(String summary) {
        return new Doc(summary);
    }

    /** A longer description than the summary (CommonMark). */
    public Doc description(String text) {
        this.description = text;
        return this;
    }

    /** The path's one variable part: its name in the document and what it is. */
    public Doc param(String name, String what) {
        this.param = name;
        this.paramDescription = what;
        return this;
    }

    public Doc query(String name, String what) {
        queries.add(new Query(name, what));
        return this;
    }

    /** A JSON request body of this schema. */
    public Doc json(Map<String, Object> schema) {
        this.bodyType = "application/json";
        this.body = schema;
        return this;
    }

    /** A form body ({@code application/x-www-form-urlencoded}) of this schema. */
    public Doc form(Map<String, Object> schema) {
        this.bodyType = "application/x-www-form-urlencoded";
        this.body = schema;
        return this;
    }

    /** A JSON answer. */
    public Doc answers(int status, String what, Map<String, Object> schema) {
        answers.put(status, new Answer(status, what, "application/json", schema));
        return this;
    }

    /** An answer with a body of another type (HTML, a JWK set). */
    public Doc answers(int status, String what, String mediaType) {
        answers.put(status, new Answer(status, what, mediaType, Schemas.string()));
        return this;
    }

    /** An answer without a body (204, a redirect). */
    public Doc answers(int status, String what) {
        answers.put(status, new Answer(status, what, null, null));
        return this;
    }

    /** Errors the endpoint itself may answer, beyond those of its policy, in the shared error shape. */
    public Doc errors(int... statuses) {
        for (int status : statuses) {
            answers.putIfAbsent(status, new Answer(status, null, "application/json", Schemas.ref("Error")));
        }
        return this;
    }

    public String summary() {
        return summary;
    }

    public String description() {
        return description;
    }

    public String param() {
        return param;
    }

    public String paramDescription() {
        return paramDescription;
    }

    public List<Query> queries() {
        return List.copyOf(queries);
    }

    public String bodyType() {
        return bodyType;
    }

    public Map<String, Object> body() {
        return body;
    }

    public Map<Integer, Answer> answers() {
        return Map.copyOf(answers);
    }
}
