package dev.latchkey.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dependencies between the web packages run one way, read from the main sources: every import or qualified name
 * of another web package counts.
 */
class WebPackagesTest {
    private static final Path WEB = Path.of("src/main/java/dev/latchkey/server/web");
    private static final Pattern WEB_NAME = Pattern.compile("(?<!package )dev\\.latchkey\\.server\\.web\\.(\\w+)\\.");

    @Test
    void theApiAndThePagesNeverImportEachOther() {
        assertThat(importedBy("api")).doesNotContain("pages");
        assertThat(importedBy("pages")).doesNotContain("api");
    }

    @Test
    void theHttpPlumbingImportsNoOtherWebPackageAndTheCallerOnlyIt() {
        assertThat(importedBy("http")).isEmpty();
        assertThat(importedBy("caller")).containsOnly("http");
        assertThat(importedBy("api")).isSubsetOf("http", "caller");
        assertThat(importedBy("pages")).isSubsetOf("http", "caller");
    }

    @Test
    void theRootHoldsOnlyTheCompositionRootAndTheDispatcher() throws IOException {
        try (Stream<Path> files = Files.list(WEB)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("WebApp.java", "LatchkeyHandler.java", "package-info.java");
        }
    }

    /** The web sub-packages that the sources of {@code pkg} import. */
    private static Set<String> importedBy(String pkg) {
        var imported = new TreeSet<String>();
        for (var file : sources(WEB.resolve(pkg))) {
            var m = WEB_NAME.matcher(read(file));
            while (m.find()) {
                if (!m.group(1).equals(pkg)) {
                    imported.add(m.group(1));
                }
            }
        }
        return imported;
    }

    private static List<Path> sources(Path dir) {
        assertThat(dir).isDirectory();
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".java")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
