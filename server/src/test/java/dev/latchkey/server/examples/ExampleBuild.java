package dev.latchkey.server.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Builds an example under {@code examples/} as the separate Maven project it is, with the wrapper, against a local
 * repository of its own ({@code server/target/example-repo}) that holds the {@code latchkey-core} and
 * {@code latchkey-servlet} jars this build just packaged, installed there with {@code install:install-file}.
 * Everything else is read from {@code ~/.m2/repository} through Maven 3.9's {@code maven.repo.local.tail}, which
 * Maven never writes to: a test never writes into the user's repository.
 */
final class ExampleBuild {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path REPO = ROOT.resolve("server/target/example-repo");
    static final Path LOGS = ROOT.resolve("server/target/example-logs");
    static final String VERSION = "0.1.0-SNAPSHOT";
    private static final Path USER_REPO = Path.of(System.getProperty("user.home"), ".m2", "repository");
    private static boolean installed;

    private ExampleBuild() {}

    /**
     * Runs {@code mvnw -B -q -f examples/NAME/pom.xml GOALS} (after installing latchkey's libraries once per test
     * run) and fails with the build's output when it fails. Skips loudly when the libraries were not packaged (a
     * {@code test} run without {@code package}), and fails then under {@code CI=true}.
     */
    static Path build(String name, String... goals) throws Exception {
        installLibraries();
        var example = ROOT.resolve("examples").resolve(name);
        var command = new ArrayList<>(List.of(
                ROOT.resolve("mvnw").toString(),
                "-B",
                "-q",
                "-f",
                example.resolve("pom.xml").toString()));
        command.addAll(repositoryFlags());
        command.addAll(List.of(goals));
        Files.createDirectories(LOGS);
        run(command, ROOT, LOGS.resolve(name + ".log"));
        return example;
    }

    /** The classpath of a built example, written by {@code dependency:build-classpath} into target/classpath.txt. */
    static String classpath(Path example) throws IOException {
        return example.resolve("target/classes")
                + java.io.File.pathSeparator
                + Files.readString(example.resolve("target/classpath.txt")).strip();
    }

    private static List<String> repositoryFlags() {
        return List.of("-Dmaven.repo.local=" + REPO, "-Dmaven.repo.local.tail=" + USER_REPO);
    }

    private static synchronized void installLibraries() throws Exception {
        if (installed) {
            return;
        }
        var core = library("core", "latchkey-core");
        var servlet = library("servlet", "latchkey-servlet");
        Files.createDirectories(REPO);
        install(ROOT.resolve("pom.xml"), ROOT.resolve("pom.xml"), "pom", List.of());
        install(core, ROOT.resolve("core/pom.xml"), "jar", extras("core", "latchkey-core"));
        install(servlet, ROOT.resolve("servlet/pom.xml"), "jar", extras("servlet", "latchkey-servlet"));
        installed = true;
    }

    /** The module's packaged jar, if it is at least as new as its compiled classes. */
    private static Path library(String module, String artifact) throws IOException {
        var jar = ROOT.resolve(module).resolve("target").resolve(artifact + "-" + VERSION + ".jar");
        var classes = ROOT.resolve(module).resolve("target/classes");
        if (!Files.isRegularFile(jar) || newest(classes).compareTo(Files.getLastModifiedTime(jar)) > 0) {
            var message = "\n*** " + jar + " is missing or older than its classes (run ./mvnw package or verify, not"
                    + " only test): the examples that depend on latchkey's jars are SKIPPED. ***\n";
            System.err.println(message);
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("the packaged libraries are required under CI=true" + message);
            }
            Assumptions.abort(message);
        }
        return jar;
    }

    private static List<String> extras(String module, String artifact) {
        var flags = new ArrayList<String>();
        var target = ROOT.resolve(module).resolve("target");
        var sources = target.resolve(artifact + "-" + VERSION + "-sources.jar");
        var javadoc = target.resolve(artifact + "-" + VERSION + "-javadoc.jar");
        if (Files.isRegularFile(sources)) {
            flags.add("-Dsources=" + sources);
        }
        if (Files.isRegularFile(javadoc)) {
            flags.add("-Djavadoc=" + javadoc);
        }
        return flags;
    }

    private static FileTime newest(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return FileTime.fromMillis(0);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .map(f -> {
                        try {
                            return Files.getLastModifiedTime(f);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .max(FileTime::compareTo)
                    .orElse(FileTime.fromMillis(0));
        }
    }

    private static void install(Path file, Path pom, String packaging, List<String> extras) throws Exception {
        var command = new ArrayList<>(List.of(
                ROOT.resolve("mvnw").toString(),
                "-B",
                "-q",
                "org.apache.maven.plugins:maven-install-plugin:3.1.4:install-file",
                "-Dfile=" + file,
                "-DpomFile=" + pom,
                "-Dpackaging=" + packaging));
        command.addAll(extras);
        command.addAll(repositoryFlags());
        run(command, REPO, REPO.resolve("install.log"));
    }

    private static void run(List<String> command, Path directory, Path log) throws Exception {
        var process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean done = process.waitFor(10, TimeUnit.MINUTES);
        if (!done) {
            process.destroyForcibly();
        }
        assertThat(done && process.exitValue() == 0)
                .as("%s\n%s", String.join(" ", command), Files.readString(log))
                .isTrue();
    }
}
