package dev.latchkey.server.web.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.testing.TestDatabase;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ManagementTest {
    private TestDatabase db;
    private LocalJetty jetty;

    @BeforeEach
    void start() throws Exception {
        db = TestDatabase.sqlite();
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.counter("latchkey.test").increment();
        jetty = new LocalJetty(new Management(registry, new Health(db.database()), new ObjectMapper()));
    }

    @AfterEach
    void stop() throws Exception {
        jetty.close();
        db.close();
    }

    @Test
    void metricsAndHealthAreServedAndNeverCached() throws Exception {
        var metrics = jetty.get("/metrics");
        assertThat(metrics.getStatus()).isEqualTo(200);
        assertThat(metrics.getContent()).contains("latchkey_test_total 1.0");
        assertThat(metrics.get("Cache-Control")).isEqualTo("no-store");
        assertThat(jetty.get("/readyz").getContent()).isEqualTo("{\"status\":\"ready\"}");
    }

    @Test
    void anyOtherPathIsA404InTheOneErrorShape() throws Exception {
        var response = jetty.get("/api/me");
        assertThat(response.getStatus()).isEqualTo(404);
        assertThat(response.get("Cache-Control")).isEqualTo("no-store");
        assertThat(response.getContent())
                .isEqualTo("{\"error\":\"not_found\","
                        + "\"detail\":\"the management listener serves /metrics, /healthz and /readyz\"}");
    }

    @Test
    void aWrongMethodOnAHealthPathIsA405WithAllowNotAServerError() throws Exception {
        var response = jetty.post("/healthz");
        assertThat(response.getStatus()).isEqualTo(405);
        assertThat(response.get("Allow")).isEqualTo("GET, HEAD");
        assertThat(response.getContent())
                .isEqualTo("{\"error\":\"method_not_allowed\",\"detail\":\"POST is not allowed here\"}");
    }
}
