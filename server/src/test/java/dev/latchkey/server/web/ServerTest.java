package dev.latchkey.server.web;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Base of tests that share one real HTTPS server per test class. */
abstract class ServerTest {
    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestServer.https(dir);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }
}
