package dev.latchkey.server.web.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What Jetty refuses before any handler runs comes in the same JSON shape as every other error. */
class JsonErrorHandlerTest {
    @Test
    void aMalformedRequestIsRefusedInJsonWithoutServerDetails() throws Exception {
        try (var jetty = LocalJetty.exchanges(false, x -> {})) {
            var response = jetty.send("GET /x HTTP/1.1\r\nHost: a\r\nContent-Length: nope\r\n\r\n");
            assertThat(response.getStatus()).isEqualTo(400);
            assertThat(response.get("Content-Type")).isEqualTo("application/json; charset=utf-8");
            assertThat(response.get("Cache-Control")).isEqualTo("no-store");
            assertThat(response.getContent()).isEqualTo("{\"error\":\"bad_request\",\"detail\":\"Bad Request\"}");
        }
    }

    @Test
    void aHeaderSectionTooLargeIsNamedByItsStatus() throws Exception {
        try (var jetty = LocalJetty.exchanges(false, x -> {})) {
            var response = jetty.get("/x", "X-Filler: " + "y".repeat(40_000));
            assertThat(response.getStatus()).isEqualTo(431);
            assertThat(response.get("Cache-Control")).isEqualTo("no-store");
            assertThat(response.getContent())
                    .isEqualTo("{\"error\":\"request_header_fields_too_large\","
                            + "\"detail\":\"Request Header Fields Too Large\"}");
        }
    }
}
