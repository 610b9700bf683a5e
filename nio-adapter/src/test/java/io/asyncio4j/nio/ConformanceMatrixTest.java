package io.asyncio4j.nio;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every suite of the transport conformance suite runs on every transport: for each abstract subclass of
 * {@link ConformanceFixture} and each kit some test class passes, there is a test class passing that kit to it. A
 * new suite without its subclasses, or a new transport without one for each suite, fails here.
 */
class ConformanceMatrixTest {

    @Test
    void everySuiteRunsOnEveryTransport() throws Exception {
        List<Class<?>> classes = testClassesOfThisPackage();
        Set<Class<?>> suites = new HashSet<>();
        Set<Class<?>> kits = new HashSet<>();
        Set<List<Class<?>>> ran = new HashSet<>();
        for (Class<?> c : classes) {
            if (c.getSuperclass() != ConformanceFixture.class) {
                continue;
            }
            suites.add(c);
        }
        for (Class<?> c : classes) {
            if (!suites.contains(c.getSuperclass()) || Modifier.isAbstract(c.getModifiers())) {
                continue;
            }
            var ctor = c.getDeclaredConstructor();
            ctor.setAccessible(true);
            Class<?> kit = ((ConformanceFixture) ctor.newInstance()).kit().getClass();
            kits.add(kit);
            ran.add(List.of(c.getSuperclass(), kit));
        }
        assertThat(suites).as("suites").isNotEmpty();
        assertThat(kits).as("kits").contains(NioSocketKit.class, MemoryKit.class, ReadAheadKit.class,
                LoopThreadKit.class, TlsKit.class);
        List<String> missing = new ArrayList<>();
        for (Class<?> suite : suites) {
            for (Class<?> kit : kits) {
                if (!ran.contains(List.of(suite, kit))) {
                    missing.add(suite.getSimpleName() + " with " + kit.getSimpleName());
                }
            }
        }
        assertThat(missing).as("suites no test class runs with a kit").isEmpty();
    }

    /** The top-level classes compiled beside this one. */
    private static List<Class<?>> testClassesOfThisPackage() throws IOException, URISyntaxException,
            ClassNotFoundException {
        Path dir = Path.of(ConformanceMatrixTest.class.getResource("ConformanceMatrixTest.class").toURI()).getParent();
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.endsWith(".class") && !name.contains("$")) {
                    String simple = name.substring(0, name.length() - ".class".length());
                    classes.add(Class.forName(ConformanceMatrixTest.class.getPackageName() + "." + simple));
                }
            }
        }
        return classes;
    }
}
