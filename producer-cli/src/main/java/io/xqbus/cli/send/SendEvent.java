package io.xqbus.cli.send;

import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
@Command(name = "sendevent", mixinStandardHelpOptions = true, version = "sendevent (xqbus) 0.1.0",
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

    /**
     * A file: every event validated first, on all cores (in the order of the file, as far as errors and
     * sending go); one invalid event means nothing is sent (brief §7).
     */
    private int sendFile(SchemaSet schemas, Path path) throws Exception {
        List<EventStreamReader.Document> documents = new ArrayList<>();
        try (EventStreamReader reader = new EventStreamReader(Files.newInputStream(path), Limits.DEFAULT_MAX_EVENT_BYTES)) {
            while (reader.hasNext()) {
                documents.add(reader.next());
            }
        }
        // every event is checked before anything is sent, so the checks need not wait for each other
        Object[] outcomes = new Object[documents.size()];
        IntStream.range(0, documents.size()).parallel().forEach(i -> {
            try {
                outcomes[i] = prepare(schemas, documents.get(i), path.toString());
            } catch (InvalidEventException e) {
                outcomes[i] = e;
            }
        });
        List<PreparedEvent> prepared = new ArrayList<>(documents.size());
        List<String> problems = new ArrayList<>();
        InvalidEventException first = null;
        for (int i = 0; i < outcomes.length; i++) {
            if (outcomes[i] instanceof InvalidEventException e) {
                first = first == null ? e : first;
                problems.add(describe(e, documents.get(i), path.toString()));
            } else {
                prepared.add((PreparedEvent) outcomes[i]);
            }
        }
        if (documents.isEmpty()) {
            throw new InvalidEventException("the file holds no event", new Location(path.toString(), 0, 0, null));
        }
        if (!problems.isEmpty()) {
            for (String p : problems) {
                err.println("sendevent: " + p);
            }
            err.println("sendevent: nothing sent: " + problems.size() + " of " + documents.size() + " event"
                    + (documents.size() == 1 ? " is" : "s are") + " invalid");
            if (first instanceof UnknownEventTypeException) {
                err.println("hint: list the known event types with --list-types, or add the XSD with --schemas +DIR");
            }
            return ExitCodes.DATA;
        }
        if (validateOnly) {
            if (verbose) {
                err.println("sendevent: " + path + ": " + documents.size() + " valid event(s)");
            }
            return ExitCodes.OK;
        }
        try (XqBus bus = connect(schemas)) {
            List<CompletableFuture<Receipt>> sent = new ArrayList<>(prepared.size());
            for (PreparedEvent e : prepared) {
                sent.add(bus.publishAsync(e));
            }
            return awaitAll(sent, documents, path.toString());
        }
    }

    /** stdin: each event sent as it arrives; the first invalid one stops the stream (brief §7). */
    private int sendStream(SchemaSet schemas) throws Exception {
        List<CompletableFuture<Receipt>> sent = new ArrayList<>();
        List<EventStreamReader.Document> documents = new ArrayList<>();
        XqBus bus = null;
        int seen = 0;
        try (EventStreamReader reader = new EventStreamReader(stdin, Limits.DEFAULT_MAX_EVENT_BYTES)) {
            while (reader.hasNext()) {
                EventStreamReader.Document d = reader.next();
                seen++;
                try {
                    PreparedEvent e = prepare(schemas, d, "<stdin>");
                    if (validateOnly) {
                        continue;
                    }
                    if (bus == null) {
                        bus = connect(schemas);
                    }
                    sent.add(bus.publishAsync(e));
                    documents.add(d);
                } catch (InvalidEventException e) {
                    int accepted = bus == null ? 0 : awaitQuietly(sent);
                    err.println("sendevent: " + describe(e, d, "<stdin>"));
                    err.println("sendevent: stopped at event " + d.index() + "; " + accepted + " event"
                            + (accepted == 1 ? " was" : "s were") + " sent before it");
                    return ExitCodes.DATA;
                }
            }
            if (seen == 0) {
                throw new InvalidEventException("stdin holds no event", new Location("<stdin>", 0, 0, null));
            }
            if (bus == null) {
                return ExitCodes.OK;   // --validate-only
            }
            return awaitAll(sent, documents, "<stdin>");
        } finally {
            if (bus != null) {
                bus.close();
            }
        }
    }

    private static PreparedEvent prepare(SchemaSet schemas, EventStreamReader.Document d, String source) throws InvalidEventException {
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

    /** Waits for every broker acknowledgement; names the events that were not accepted. */
    private int awaitAll(List<CompletableFuture<Receipt>> sent, List<EventStreamReader.Document> documents, String source) {
        int failed = 0;
        int code = ExitCodes.OK;
        Throwable firstFailure = null;
        for (int i = 0; i < sent.size(); i++) {
            try {
                sent.get(i).join();
            } catch (CompletionException e) {
                failed++;
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (firstFailure == null) {
                    firstFailure = cause;
                    code = ErrorReporter.exitCode(cause);
                }
                EventStreamReader.Document d = documents.get(i);
                err.println("sendevent: " + source + ":" + d.firstLine() + ": event " + d.index()
                        + " was not accepted by the broker: " + cause.getMessage());
            }
        }
        if (failed > 0) {
            err.println("sendevent: " + failed + " of " + sent.size() + " events were not accepted");
            return code == ExitCodes.OK ? ExitCodes.UNAVAILABLE : code;
        }
        if (verbose) {
            err.println("sendevent: sent " + sent.size() + " event" + (sent.size() == 1 ? "" : "s"));
        }
        return ExitCodes.OK;
    }

    private static int awaitQuietly(List<CompletableFuture<Receipt>> sent) {
        int ok = 0;
        for (CompletableFuture<Receipt> f : sent) {
            try {
                f.join();
                ok++;
            } catch (CompletionException e) {
                // counted as not sent
            }
        }
        return ok;
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
