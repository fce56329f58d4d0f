package io.xqbus.cli.send;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The project says under which licence it is given (Apache 2.0: compatible with Saxon-HE's MPL 2.0, Artemis, qpid-jms). */
class LicenseTest {

    @Test
    void theRootHasTheApacheLicenceAndThePomAndReadmeNameIt() throws Exception {
        Path license = Path.of("..", "LICENSE");
        assertTrue(Files.isRegularFile(license), "LICENSE at the root of the repository");
        String text = Files.readString(license, StandardCharsets.UTF_8);
        assertTrue(text.contains("Apache License") && text.contains("Version 2.0, January 2004")
                && text.contains("END OF TERMS AND CONDITIONS"), "LICENSE holds the whole Apache License 2.0");
        assertTrue(Files.readString(Path.of("..", "pom.xml"), StandardCharsets.UTF_8)
                .contains("<name>Apache License, Version 2.0</name>"), "the parent pom declares the licence");
        assertTrue(Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8)
                .contains("Apache License 2.0"), "README says the licence");
    }
}
