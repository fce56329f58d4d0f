package io.xqbus.events;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A user runs the JAXB generation on their own XSD directory with the plugin configuration README.md gives,
 * outside this project: the classes are generated and compile.
 */
class UserGenerationTest {

    /** The plugin configuration README.md tells users to copy (kept identical to it). */
    static final String PLUGIN = """
            <plugin>
              <groupId>org.jvnet.jaxb</groupId>
              <artifactId>jaxb-maven-plugin</artifactId>
              <version>4.0.12</version>
              <executions><execution><goals><goal>generate</goal></goals></execution></executions>
              <configuration>
                <schemaDirectory>src/main/xsd</schemaDirectory>
                <generatePackage>com.example.events</generatePackage>
              </configuration>
            </plugin>""";

    @Test
    void theDocumentedPluginConfigurationGeneratesCompilableClasses(@TempDir Path project) throws Exception {
        Path xsd = Files.createDirectories(project.resolve("src/main/xsd"));
        Files.writeString(xsd.resolve("Device.xsd"), """
                <xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema' xmlns='urn:example' targetNamespace='urn:example'
                           elementFormDefault='qualified'>
                  <xs:complexType name='Device'><xs:sequence><xs:element name='Mac' type='xs:string'/></xs:sequence></xs:complexType>
                  <xs:complexType name='DeviceSeen'><xs:sequence><xs:element name='Device' type='Device'/>
                    <xs:element name='At' type='xs:dateTime'/></xs:sequence></xs:complexType>
                  <xs:element name='DeviceSeen' type='DeviceSeen'/>
                </xs:schema>""");
        Files.writeString(project.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId><artifactId>my-events</artifactId><version>1</version>
                  <build><plugins>
                """ + PLUGIN + """
                  </plugins></build>
                </project>""");
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        assertTrue(normalise(readme).contains(normalise(PLUGIN)), "README.md must show the plugin configuration this test uses");

        List<String> command = new ArrayList<>(List.of("mvn", "-B", "-q", "generate-sources"));
        if (Files.isDirectory(Path.of(System.getProperty("user.home"), ".m2", "repository", "org", "jvnet", "jaxb", "jaxb-maven-plugin"))) {
            command.add(1, "-o");   // the plugin is already in the local repository: no network needed
        }
        Process p = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "mvn did not finish");
        assertEquals(0, p.exitValue(), output);

        Path generated = project.resolve("target/generated-sources/xjc/com/example/events");
        assertTrue(Files.isRegularFile(generated.resolve("DeviceSeen.java")), "no DeviceSeen.java: " + output);
        assertTrue(Files.isRegularFile(generated.resolve("ObjectFactory.java")));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-d", project.resolve("classes").toString(), "-cp", System.getProperty("java.class.path")));
        try (Stream<Path> sources = Files.list(generated)) {
            sources.map(Path::toString).forEach(args::add);
        }
        assertEquals(0, javac.run(null, null, null, args.toArray(new String[0])), "the generated classes must compile");
        assertTrue(new File(project.resolve("classes/com/example/events").toFile(), "DeviceSeen.class").isFile());
    }

    static String normalise(String s) {
        return s.replaceAll("\\s+", "");
    }
}
