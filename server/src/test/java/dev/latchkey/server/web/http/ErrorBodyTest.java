package dev.latchkey.server.web.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.error.InvalidInput;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.Test;

class ErrorBodyTest {
    @Test
    void theBodyIsWhatJacksonWritesForTheSameFieldsWhateverTheDetailHolds() throws Exception {
        var json = new ObjectMapper();
        for (var detail : new String[] {
            "no such resource", "\"quoted\" and \\ back", "line\nbreak\ttab\u0000nul", "admin가 \u2028 é", "", null
        }) {
            var map = new LinkedHashMap<String, Object>();
            map.put("error", "some_code");
            map.put("detail", detail);
            assertThat(new String(ErrorBody.bytes("some_code", detail), StandardCharsets.UTF_8))
                    .as(detail)
                    .isEqualTo(new String(json.writeValueAsBytes(map), StandardCharsets.UTF_8));
        }
    }

    @Test
    void anErrorIsJsonWithItsLengthAndNeverCached() throws Exception {
        try (var jetty = LocalJetty.exchanges(true, x -> {
            throw new HttpErrors.PermissionDenied("this is for staff only");
        })) {
            var response = jetty.get("/x");
            assertThat(response.getStatus()).isEqualTo(403);
            assertThat(response.get("Content-Type")).isEqualTo("application/json; charset=utf-8");
            assertThat(response.get("Cache-Control")).isEqualTo("no-store");
            assertThat(response.getContent())
                    .isEqualTo("{\"error\":\"permission_denied\",\"detail\":\"this is for staff only\"}");
            assertThat(response.get("Content-Length"))
                    .isEqualTo(Integer.toString(response.getContent().length()));
        }
    }

    @Test
    void aHeadRequestGetsTheHeadersOfTheErrorWithoutItsBody() throws Exception {
        try (var jetty = LocalJetty.exchanges(true, x -> {
            throw new InvalidInput("the query string is malformed");
        })) {
            var raw = jetty.head("/x");
            var response = HttpTester.parseHeadResponse(raw);
            assertThat(response.getStatus()).isEqualTo(400);
            assertThat(response.get("Cache-Control")).isEqualTo("no-store");
            assertThat(response.get("Content-Type")).isEqualTo("application/json; charset=utf-8");
            assertThat(raw).endsWith("\r\n\r\n").doesNotContain("malformed");
        }
    }
}
