package io.xqbus.events;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.xqbus.BusOptions;
import io.xqbus.EventCapture;
import io.xqbus.XqBus;
import io.xqbus.broker.EmbeddedBrokerExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** README.md's embedding example is this build's ReadmeExample.java, and it runs. */
@ExtendWith(EmbeddedBrokerExtension.class)
class ReadmeExampleTest {

    @Test
    void theReadmeShowsTheCompiledExample() throws Exception {
        String source = Files.readString(Path.of("src/test/java/io/xqbus/events/ReadmeExample.java"), StandardCharsets.UTF_8);
        String shown = source.substring(source.indexOf("import java.time.Duration;"));
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        assertTrue(readme.contains(shown.strip()), "README.md must contain ReadmeExample.java from its first import to the end");
    }

    @Test
    void theExampleRuns(URI broker) throws Exception {
        try (XqBus observer = XqBus.connect(BusOptions.builder().broker(broker).build());
             EventCapture capture = EventCapture.start(observer)) {
            ReadmeExample.run(broker.toString());
            assertEquals("watcher-1", capture.awaitType("NodeAnnounce", java.time.Duration.ofSeconds(20)).value("Id"));
            capture.await(e -> "n8".equals(e.value("Id")), java.time.Duration.ofSeconds(20));
        }
    }
}
