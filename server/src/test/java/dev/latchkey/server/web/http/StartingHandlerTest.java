package dev.latchkey.server.web.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

class StartingHandlerTest {
    @Test
    void aRequestThatArrivesFirstWaitsForTheApplicationAndIsServedByIt() throws Exception {
        var starting = new StartingHandler();
        try (var jetty = new LocalJetty(starting)) {
            var later = new Thread(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                starting.ready(new Handler.Abstract() {
                    @Override
                    public boolean handle(Request request, Response response, Callback callback) {
                        response.setStatus(204);
                        callback.succeeded();
                        return true;
                    }
                });
            });
            later.start();
            assertThat(jetty.get("/healthz").getStatus()).isEqualTo(204);
            later.join();
        }
    }

    @Test
    void anApplicationThatFailedToStartIsAnswered503InTheOneErrorShape() throws Exception {
        var starting = new StartingHandler();
        starting.failed(new IllegalStateException("the database is gone"));
        try (var jetty = new LocalJetty(starting)) {
            var response = jetty.get("/api/me");
            assertThat(response.getStatus()).isEqualTo(503);
            assertThat(response.get("Content-Type")).isEqualTo("application/json; charset=utf-8");
            assertThat(response.get("Cache-Control")).isEqualTo("no-store");
            assertThat(response.getContent())
                    .isEqualTo("{\"error\":\"starting\",\"detail\":\"the server is not ready\"}");
        }
    }
}
