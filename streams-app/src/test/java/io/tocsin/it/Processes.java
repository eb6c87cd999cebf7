package io.tocsin.it;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Child JVMs for agent tests: host applications with the real, shaded agent jar. */
final class Processes {

    static final Path AGENT_JAR = Path.of("..", "producer-agent", "target", "producer-agent.jar").toAbsolutePath().normalize();
    static final Path TEST_CLASSES = Path.of("target", "test-classes").toAbsolutePath();
    static final Path CLASH_LIBS = Path.of("target", "clash-libs").toAbsolutePath();

    private Processes() {
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The host's own classes (test-classes) first, then the given jars. */
    static String classPath(List<Path> jars) {
        List<String> parts = new ArrayList<>();
        parts.add(TEST_CLASSES.toString());
        jars.forEach(j -> parts.add(j.toString()));
        return String.join(File.pathSeparator, parts);
    }

    static Process start(Path log, List<String> command) throws Exception {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }
}
