package io.xqbus;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a schema directory and its subdirectories (brief §5): a new, changed or removed XSD is compiled into a new schema set
 * shortly after the directory settles; a set that compiles replaces the one in force, one that does not is
 * refused with every problem's file, line and column, and the last good set stays. One daemon thread.
 */
final class SchemaWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaWatcher.class);
    private static final long SETTLE_MILLIS = 200;

    /** What changed between two good sets. */
    record Change(SchemaSet schemas, Path directory, List<String> added, List<String> changed, List<String> removed) {
    }

    private final String option;
    private final Path directory;
    private final WatchService watcher;
    private final Thread thread;
    private final Consumer<Change> onChange;
    private final Consumer<SchemaException> onRefused;
    private Map<String, String> digests;

    SchemaWatcher(String option, Consumer<Change> onChange, Consumer<SchemaException> onRefused) throws IOException {
        this.option = option;
        this.directory = SchemaSet.directoryOf(option);
        this.onChange = onChange;
        this.onRefused = onRefused;
        this.digests = digests(directory);
        this.watcher = FileSystems.getDefault().newWatchService();
        registerTree();
        this.thread = new Thread(this::run, "xqbus-schema-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                key.pollEvents();
                key.reset();
                // let the directory settle: editors write in several steps
                WatchKey more;
                while ((more = watcher.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS)) != null) {
                    more.pollEvents();
                    more.reset();
                }
                reload();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    /**
     * Watches the directory and every subdirectory (a schema directory is read recursively); registering one
     * already watched does nothing, so this runs again on each change to pick up new subdirectories.
     */
    private void registerTree() throws IOException {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (Stream<Path> dirs = Files.walk(directory, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                d.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
        }
    }

    private void reload() {
        Map<String, String> now;
        try {
            registerTree();
            now = digests(directory);
        } catch (IOException e) {
            LOG.warn("cannot read the schema directory {}: {}", directory, e.getMessage());
            return;
        }
        if (now.equals(digests)) {
            return;
        }
        try {
            SchemaSet next = SchemaSet.fromOption(option);
            List<String> added = new ArrayList<>();
            List<String> changed = new ArrayList<>();
            List<String> removed = new ArrayList<>();
            now.forEach((f, d) -> {
                if (!digests.containsKey(f)) {
                    added.add(f);
                } else if (!digests.get(f).equals(d)) {
                    changed.add(f);
                }
            });
            digests.keySet().stream().filter(f -> !now.containsKey(f)).forEach(removed::add);
            digests = now;
            LOG.info("schema directory {} reloaded: {} event types (added {}, changed {}, removed {})", directory,
                    next.eventTypes().size(), added, changed, removed);
            onChange.accept(new Change(next, directory, added, changed, removed));
        } catch (SchemaException e) {
            digests = now;   // report a broken state once, not on every unrelated event
            for (SchemaException.Problem p : e.problems()) {
                LOG.warn("schema change refused, the last good set stays in force: {}", p);
            }
            onRefused.accept(e);
        } catch (RuntimeException e) {
            LOG.warn("schema reload failed, the last good set stays in force: {}", e.toString());
        }
    }

    private static Map<String, String> digests(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(dir, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".xsd") && Files.isRegularFile(p)).toList()) {
                try {
                    out.put(dir.relativize(f).toString(), HexFormat.of().formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                } catch (IOException e) {
                    // removed while listing
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException e) {
            LOG.debug("closing the schema watcher: {}", e.getMessage());
        }
        thread.interrupt();
    }
}
