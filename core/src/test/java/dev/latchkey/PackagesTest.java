package dev.latchkey;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The packages of core depend on each other without a cycle, so each can be read (and tested) after those below. */
class PackagesTest {
    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern REFERENCE = Pattern.compile("\\b(dev\\.latchkey(?:\\.[a-z]\\w*)*)\\.[A-Z]\\w*");

    @Test
    void noPackageOfCoreDependsOnItselfThroughOthers() throws IOException {
        var graph = dependencies();
        assertThat(graph).as("the sources were found").containsKeys("dev.latchkey.auth", "dev.latchkey.session");
        var cycles = new ArrayList<List<String>>();
        for (var start : graph.keySet()) {
            var path = cycleThrough(start, graph);
            if (!path.isEmpty() && path.get(0).equals(start) && cycles.stream().noneMatch(c -> c.contains(start))) {
                cycles.add(path);
            }
        }
        assertThat(cycles).as("package cycles (each as a path back to its start)").isEmpty();
    }

    /** Each package and the packages of core its code names, in imports or qualified names; comments left out. */
    private static Map<String, Set<String>> dependencies() throws IOException {
        var graph = new TreeMap<String, Set<String>>();
        try (var files = Files.walk(SOURCES)) {
            for (var file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                var pkg = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
                var deps = graph.computeIfAbsent(pkg, p -> new TreeSet<>());
                for (var line : Files.readAllLines(file)) {
                    var code = line.strip();
                    if (code.startsWith("*") || code.startsWith("/*") || code.startsWith("//")) {
                        continue;
                    }
                    var m = REFERENCE.matcher(code);
                    while (m.find()) {
                        if (!m.group(1).equals(pkg)) {
                            deps.add(m.group(1));
                        }
                    }
                }
            }
        }
        return graph;
    }

    /** A path from {@code start} back to itself, or empty when there is none. */
    private static List<String> cycleThrough(String start, Map<String, Set<String>> graph) {
        var previous = new HashMap<String, String>();
        var seen = new HashSet<String>();
        var queue = new ArrayList<>(graph.getOrDefault(start, Set.of()));
        queue.forEach(next -> previous.put(next, start));
        for (int i = 0; i < queue.size(); i++) {
            var at = queue.get(i);
            if (at.equals(start)) {
                var path = new ArrayList<String>();
                for (var step = previous.get(start); !step.equals(start); step = previous.get(step)) {
                    path.add(0, step);
                }
                path.add(0, start);
                path.add(start);
                return path;
            }
            if (seen.add(at)) {
                for (var next : graph.getOrDefault(at, Set.of())) {
                    previous.putIfAbsent(next, at);
                    queue.add(next);
                }
            }
        }
        return List.of();
    }

    @Test
    void theCheckFindsACycleWhenThereIsOne() {
        var graph = Map.<String, Set<String>>of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        assertThat(cycleThrough("a", graph)).containsExactly("a", "b", "c", "a");
        assertThat(cycleThrough("d", graph)).isEmpty();
        assertThat(graph.keySet().stream().filter(p -> !cycleThrough(p, graph).isEmpty())
                .collect(Collectors.toSet())).containsExactlyInAnyOrder("a", "b", "c");
    }
}
