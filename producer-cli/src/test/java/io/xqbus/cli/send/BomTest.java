package io.xqbus.cli.send;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A user pins one version with io.xqbus:xqbus-bom (#16 item 2): the BOM has the build's version, names every
 * artifact a user can depend on, and README's dependency snippet names artifacts and an SLF4J binding that exist.
 */
class BomTest {

    static String read(String... path) throws Exception {
        return Files.readString(Path.of("..", path), StandardCharsets.UTF_8);
    }

    @Test
    void theBomPinsEveryLibraryArtifactAtTheBuildsVersion() throws Exception {
        String bom = read("bom", "pom.xml");
        String version = System.getProperty("xqbus.version");
        assertTrue(bom.contains("<artifactId>xqbus-bom</artifactId>\n  <version>" + version + "</version>"),
                "the BOM's version is the build's, " + version);
        Matcher modules = Pattern.compile("<module>([^<]+)</module>").matcher(read("pom.xml"));
        int checked = 0;
        while (modules.find()) {
            String module = modules.group(1);
            if (List.of("bom", "benchmarks").contains(module)) {
                continue;
            }
            Matcher id = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(read(module, "pom.xml"));
            assertTrue(id.find() && id.find(), module);   // the first is the parent's
            assertTrue(bom.contains("<artifactId>" + id.group(1) + "</artifactId><version>${project.version}</version>"),
                    "the BOM pins " + id.group(1));
            checked++;
        }
        assertTrue(checked >= 7, "modules checked: " + checked);
    }

    @Test
    void readmesDependencySnippetIsTrue() throws Exception {
        String readme = read("README.md");
        String bom = read("bom", "pom.xml");
        Matcher deps = Pattern.compile("<groupId>io\\.xqbus</groupId><artifactId>([^<]+)</artifactId>").matcher(readme);
        int found = 0;
        while (deps.find()) {
            String a = deps.group(1);
            assertTrue(a.equals("xqbus-bom") || bom.contains("<artifactId>" + a + "</artifactId>"), "README names " + a + ", which the BOM lacks");
            found++;
        }
        assertTrue(found >= 4, "README's snippet names the BOM and the artifacts");
        Matcher slf4j = Pattern.compile("<slf4j.version>([^<]+)</slf4j.version>").matcher(read("pom.xml"));
        assertTrue(slf4j.find());
        assertTrue(readme.contains("<artifactId>slf4j-simple</artifactId><version>" + slf4j.group(1) + "</version>"),
                "README's binding is the SLF4J version the build uses, " + slf4j.group(1));
        assertEquals(1, count(readme, "<artifactId>xqbus-bom</artifactId><version>" + System.getProperty("xqbus.version") + "</version>"),
                "README imports the BOM at the build's version");
    }

    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
