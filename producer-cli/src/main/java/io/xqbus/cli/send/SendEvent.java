package io.xqbus.cli.send;

import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.xqbus.EventBuilder;
import io.xqbus.EventStreamReader;
import io.xqbus.InvalidEventException;
import io.xqbus.Limits;
import io.xqbus.Location;
import io.xqbus.PreparedEvent;
import io.xqbus.UnknownEventTypeException;
import io.xqbus.EventType;
import io.xqbus.Receipt;
import io.xqbus.SchemaSet;
import io.xqbus.XqBus;
import io.xqbus.XqBusException;
import io.xqbus.cli.BrokerOptions;
import io.xqbus.cli.CliError;
import io.xqbus.cli.Commands;
import io.xqbus.cli.ErrorReporter;
import io.xqbus.cli.ExitCodes;
import io.xqbus.cli.TypeLister;

/**
 * The {@code sendevent} command (brief §7): validates an event from a file, stdin or the command line
 * against its XSD, then publishes it and exits 0 once the broker accepted it. Bad data is refused before
 * anything connects.
 */
@Command(name = "sendevent", mixinStandardHelpOptions = true, versionProvider = io.xqbus.cli.CommandVersion.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Validate an XML event against its XSD and publish it to the bus.", ""},
        footer = {"", "Examples:",
                "  sendevent event.xml",
                "  sendevent --type PhoneStatus CallerId=012345 ReceiverId=12343424 Status=busy",
                "  sendevent --type NodeCapabilities Id=n1 NodeMethod[1].Name=ping NodeMethod[1].@kind=rpc",
                "  generate-events | sendevent --broker amqp://broker:5672 -",
                "  sendevent --validate-only --schemas ./my-schemas event.xml",
                "", ExitCodes.HELP})
public final class SendEvent implements Callable<Integer> {

    @Mixin
    BrokerOptions broker = new BrokerOptions();

    @Option(names = "--type", paramLabel = "TYPE",
            description = "Build the event on the command line: TYPE is the payload element, the arguments are "
                    + "PATH=VALUE pairs (Status=busy, Node.Address=…, Node.@kind=…, Method[2].Name=…).")
    String type;

    @Option(names = "--ns", paramLabel = "URI", description = "Namespace of --type when its name is declared in several namespaces.")
    String namespace;

    @Option(names = "--source", paramLabel = "NAME", description = "Source name on the event (default: the host name).")
    String source;

    @Option(names = "--validate-only", description = "Check the event and exit; send nothing.")
    boolean validateOnly;

    @Option(names = "--list-types", description = "List the event types the schema set knows, with their documentation.")
    boolean listTypes;

    @Option(names = {"-v", "--verbose"}, description = "Say what was sent; show stack traces on errors.")
    boolean verbose;

    @Parameters(paramLabel = "FILE|-|PATH=VALUE", arity = "0..*",
            description = "The event file, - for stdin (the default), or PATH=VALUE pairs with --type.")
    List<String> arguments = new ArrayList<>();

    private final Map<String, String> env;
    private final InputStream stdin;
    private final PrintWriter out;
    private final PrintWriter err;

    SendEvent(Map<String, String> env, InputStream stdin, PrintWriter out, PrintWriter err) {
        this.env = env;
        this.stdin = stdin;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        Commands.quietLogging();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(run(args, System.getenv(), System.in, out, err));
    }

    /** Runs the command as {@code main} would and returns its exit code (for tests and embedding). */
    public static int run(String[] args, Map<String, String> env, InputStream stdin, PrintWriter out, PrintWriter err) {
        SendEvent command = new SendEvent(env, stdin, out, err);
        CommandLine cl = Commands.configure(command, "sendevent", out, err, () -> command.verbose);
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public Integer call() throws Exception {
        broker.settings(env);
        SchemaSet schemas = SchemaSet.fromOption(broker.schemas());
        if (listTypes || (type != null && arguments.isEmpty())) {
            if (type != null) {
                schemas.namespaceOf(type);   // an unknown type is an error, with near matches
            }
            listTypes(schemas, type);
            return ExitCodes.OK;
        }
        if (type != null) {
            return sendBuilt(schemas);
        }
        if (arguments.size() > 1) {
            throw new CliError(ExitCodes.USAGE, "give one event file (or - for stdin), not " + arguments.size() + " arguments",
                    "to build an event from PATH=VALUE pairs, add --type TYPE");
        }
        String file = arguments.isEmpty() ? "-" : arguments.get(0);
        if (file.equals("-")) {
            return sendStream(schemas);
        }
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new CliError(ExitCodes.NO_INPUT, file + ": no such file", null);
        }
        return sendFile(schemas, path);
    }

    /** One event built from PATH=VALUE pairs. */
    private int sendBuilt(SchemaSet schemas) throws Exception {
        String ns = namespace != null ? namespace : schemas.namespaceOf(type);
        EventBuilder builder = EventBuilder.of(ns, type);
        for (String pair : arguments) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new CliError(ExitCodes.USAGE, "'" + pair + "' is not PATH=VALUE",
                        "with --type, every argument is a field: Status=busy, Node.Address=10.0.0.1, Node.@kind=worker");
            }
            try {
                builder.set(pair.substring(0, eq), pair.substring(eq + 1));
            } catch (IllegalArgumentException e) {
                throw new CliError(ExitCodes.USAGE, e.getMessage());
            }
        }
        String sourceName = "--type " + type;
        byte[] body = builder.toXml(ns).getBytes(StandardCharsets.UTF_8);
        schemas.validate(body, sourceName);
        if (validateOnly) {
            return ExitCodes.OK;
        }
        try (XqBus bus = connect(schemas)) {
            Receipt r = bus.publish(body, sourceName);
            if (verbose) {
                err.println("sendevent: sent " + r.type() + " id=" + r.id() + " seq=" + r.seq() + " to " + r.address());
            }
        }
        return ExitCodes.OK;
    }

    /** Events validated together on all cores, at most this many at a time… */
    private static final int CHUNK_EVENTS = 2048;
    /** …and at most this many bytes of them, so a file of any length is never held whole (#22 item 8). */
    private static final long CHUNK_BYTES = 8L << 20;
    /** Events sent and not yet acknowledged by the broker, at most: bounds memory for files of any length. */
    static final int WINDOW = 1000;

    /** What to do with one chunk of documents and their outcomes (a PreparedEvent or an InvalidEventException). */
    private interface ChunkHandler {
        void handle(List<EventStreamReader.Document> documents, Object[] outcomes) throws Exception;
    }

    /**
     * A file: every event validated first, on all cores (in the order of the file, as far as errors and
     * sending go); one invalid event means nothing is sent (brief §7). The file is read twice, chunk by chunk
     * (validated, then prepared again and sent), so it is never held whole in memory.
     */
    private int sendFile(SchemaSet schemas, Path path) throws Exception {
        String source = path.toString();
        int[] total = {0};
        int[] invalid = {0};
        boolean[] unknownType = {false};
        inChunks(schemas, path, (documents, outcomes) -> {
            for (int i = 0; i < outcomes.length; i++) {
                total[0]++;
                if (outcomes[i] instanceof InvalidEventException e) {
                    invalid[0]++;
                    unknownType[0] |= e instanceof UnknownEventTypeException;
                    err.println("sendevent: " + describe(e, documents.get(i), source));
                }
            }
        });
        if (total[0] == 0) {
            throw new InvalidEventException("the file holds no event", new Location(source, 0, 0, null));
        }
        if (invalid[0] > 0) {
            err.println("sendevent: nothing sent: " + invalid[0] + " of " + total[0] + " event"
                    + (total[0] == 1 ? " is" : "s are") + " invalid");
            if (unknownType[0]) {
                err.println("hint: list the known event types with --list-types, or add the XSD with --schemas +DIR");
            }
            return ExitCodes.DATA;
        }
        if (validateOnly) {
            if (verbose) {
                err.println("sendevent: " + path + ": " + total[0] + " valid event(s)");
            }
            return ExitCodes.OK;
        }
        try (XqBus bus = connect(schemas)) {
            Sender sender = new Sender(bus, source);
            inChunks(schemas, path, (documents, outcomes) -> {
                for (int i = 0; i < outcomes.length; i++) {
                    if (outcomes[i] instanceof PreparedEvent e) {
                        sender.send(e, documents.get(i));
                    } else {
                        sender.invalid(documents.get(i), (InvalidEventException) outcomes[i]);   // the file changed since
                    }
                }
            });
            return sender.finish(sender.total);
        }
    }

    /** Reads a file in chunks, prepares each chunk's events in parallel and hands the chunk on, in file order. */
    private static void inChunks(SchemaSet schemas, Path path, ChunkHandler handler) throws Exception {
        try (EventStreamReader reader = new EventStreamReader(Files.newInputStream(path), Limits.DEFAULT_MAX_EVENT_BYTES)) {
            List<EventStreamReader.Document> chunk = new ArrayList<>();
            long bytes = 0;
            boolean more = true;
            while (more) {
                more = reader.hasNext();
                if (more) {
                    EventStreamReader.Document d = reader.next();
                    chunk.add(d);
                    bytes += d.body().length;
                }
                if (!chunk.isEmpty() && (!more || chunk.size() >= CHUNK_EVENTS || bytes >= CHUNK_BYTES)) {
                    List<EventStreamReader.Document> documents = chunk;
                    Object[] outcomes = new Object[documents.size()];
                    // every event is checked before anything is sent, so the checks need not wait for each other
                    IntStream.range(0, documents.size()).parallel().forEach(i -> {
                        try {
                            outcomes[i] = prepare(schemas, documents.get(i), path.toString());
                        } catch (InvalidEventException e) {
                            outcomes[i] = e;
                        }
                    });
                    handler.handle(documents, outcomes);
                    chunk = new ArrayList<>();
                    bytes = 0;
                }
            }
        }
    }

    /**
     * stdin: each event sent as it arrives; the first invalid one stops the stream (brief §7), and so does a
     * broker that stops accepting (the stream may never end).
     */
    private int sendStream(SchemaSet schemas) throws Exception {
        XqBus bus = null;
        Sender sender = null;
        int seen = 0;
        try (EventStreamReader reader = new EventStreamReader(stdin, Limits.DEFAULT_MAX_EVENT_BYTES, true)) {
            while (reader.hasNext()) {
                EventStreamReader.Document d = reader.next();
                seen++;
                PreparedEvent e;
                try {
                    e = prepare(schemas, d, "<stdin>");
                } catch (InvalidEventException x) {
                    if (sender != null) {
                        sender.settleAll();
                    }
                    int accepted = sender == null ? 0 : sender.accepted;
                    err.println("sendevent: " + describe(x, d, "<stdin>"));
                    err.println("sendevent: stopped at event " + d.index() + "; " + accepted + " event"
                            + (accepted == 1 ? " was" : "s were") + " sent before it"
                            + (sender != null && sender.notAccepted > 0 ? ", " + sender.notAccepted + " not accepted (listed above)" : ""));
                    return ExitCodes.DATA;
                }
                if (validateOnly) {
                    continue;
                }
                if (bus == null) {
                    bus = connect(schemas);
                    sender = new Sender(bus, "<stdin>");
                }
                if (!sender.send(e, d)) {
                    err.println("sendevent: stopped reading stdin at event " + d.index() + ": the broker is gone");
                    break;
                }
            }
            if (seen == 0) {
                throw new InvalidEventException("stdin holds no event", new Location("<stdin>", 0, 0, null));
            }
            if (sender == null) {
                return ExitCodes.OK;   // --validate-only
            }
            return sender.finish(seen);
        } finally {
            if (bus != null) {
                bus.close();
            }
        }
    }

    private static PreparedEvent prepare(SchemaSet schemas, EventStreamReader.Document d, String source) throws InvalidEventException {
        if (d.oversize() && source.equals("<stdin>")) {
            // the reader stopped there: a pipe may never end the document (yes | sendevent -)
            throw new InvalidEventException("the event has not ended after " + Limits.DEFAULT_MAX_EVENT_BYTES
                    + " bytes, the size limit: stopped reading", new Location(source, 0, 0, null));
        }
        if (d.oversize()) {
            throw new InvalidEventException("the event is " + d.size() + " bytes, more than the limit of "
                    + Limits.DEFAULT_MAX_EVENT_BYTES, new Location(source, 0, 0, null));
        }
        return PreparedEvent.prepare(d.body(), source, schemas, Limits.DEFAULT);
    }

    /** The error of one event, its location turned into a position in the whole input. */
    private static String describe(InvalidEventException e, EventStreamReader.Document d, String source) {
        Location where = d.inStream(e.location(), source);
        return where + ": " + e.problem() + (d.index() > 1 || d.firstLine() > 1 ? " [event " + d.index() + "]" : "");
    }

    /**
     * Sends events with at most {@link #WINDOW} unacknowledged and keeps track of each: accepted (the broker
     * acknowledged it), not accepted (the broker refused it or the connection failed before it answered), or
     * not sent (the connection had failed). Every event that is not accepted is named with its position and
     * id (#22 item 5), so the user can resend exactly those; none is counted accepted without the broker's word.
     */
    private final class Sender {
        private record Pending(EventStreamReader.Document document, String id, CompletableFuture<Receipt> future) {
        }

        private final XqBus bus;
        private final String source;
        private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
        int total;
        int accepted;
        int notAccepted;
        private Throwable broken;
        private int code = ExitCodes.OK;

        Sender(XqBus bus, String source) {
            this.bus = bus;
            this.source = source;
        }

        /** Sends one event, or names it as not sent once the connection failed; false from then on. */
        boolean send(PreparedEvent e, EventStreamReader.Document d) {
            total++;
            String reason = "the connection had failed";
            if (broken == null) {
                try {
                    inFlight.add(new Pending(d, e.id(), bus.publishAsync(e)));
                    while (inFlight.size() >= WINDOW) {
                        settle(inFlight.poll());
                    }
                    return true;
                } catch (XqBusException | RuntimeException x) {
                    broken = x;
                    reason = message(x);
                    failed(x);
                    settleAll();   // the events before this one first, in order
                }
            }
            notAccepted++;
            err.println("sendevent: " + where(d) + " (id " + e.id() + ") was not sent: " + reason);
            return false;
        }

        /** An event that no longer validates on the second reading of a file. */
        void invalid(EventStreamReader.Document d, InvalidEventException e) {
            total++;
            notAccepted++;
            if (code == ExitCodes.OK) {
                code = ExitCodes.DATA;
            }
            err.println("sendevent: " + describe(e, d, source) + ": not sent (the file changed while it was sent)");
        }

        void settleAll() {
            while (!inFlight.isEmpty()) {
                settle(inFlight.poll());
            }
        }

        private void settle(Pending p) {
            try {
                p.future().get();
                accepted++;
            } catch (ExecutionException x) {
                Throwable cause = x.getCause() == null ? x : x.getCause();
                failed(cause);
                notAccepted++;
                err.println("sendevent: " + where(p.document()) + " (id " + p.id() + ") was not accepted by the broker: " + message(cause));
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                failed(x);
                notAccepted++;
                err.println("sendevent: " + where(p.document()) + " (id " + p.id() + "): interrupted before the broker answered");
            }
        }

        private void failed(Throwable cause) {
            if (code == ExitCodes.OK) {
                code = ErrorReporter.exitCode(cause);
                if (code == ExitCodes.OK || code == ExitCodes.SOFTWARE) {
                    code = ExitCodes.UNAVAILABLE;
                }
            }
        }

        private String where(EventStreamReader.Document d) {
            return source + ":" + d.firstLine() + ": event " + d.index();
        }

        private String message(Throwable t) {
            return t instanceof XqBusException x ? x.problem() : String.valueOf(t.getMessage());
        }

        /** Waits for every acknowledgement; exit 0 only when the broker accepted all {@code total} events. */
        int finish(int total) {
            settleAll();
            if (notAccepted > 0) {
                err.println("sendevent: " + accepted + " of " + total + " event" + (total == 1 ? " was" : "s were")
                        + " accepted by the broker; the " + notAccepted + " listed above " + (notAccepted == 1 ? "was" : "were")
                        + " not (resend only those)");
                return code == ExitCodes.OK ? ExitCodes.UNAVAILABLE : code;
            }
            if (verbose) {
                err.println("sendevent: sent " + accepted + " event" + (accepted == 1 ? "" : "s"));
            }
            return ExitCodes.OK;
        }
    }

    private XqBus connect(SchemaSet schemas) throws Exception {
        var options = broker.toBusOptions().schemas(schemas);
        String src = broker.source(source);
        if (src != null) {
            options.source(src);
        }
        return XqBus.connect(options.build());
    }

    private void listTypes(SchemaSet schemas, String only) {
        TypeLister.print(schemas, only, out);
    }
}
