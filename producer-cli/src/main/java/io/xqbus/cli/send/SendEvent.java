package io.xqbus.cli.send;

import java.io.IOException;
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

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.xqbus.EventBuilder;
import io.xqbus.EventType;
import io.xqbus.Receipt;
import io.xqbus.SchemaSet;
import io.xqbus.XqBus;
import io.xqbus.cli.BrokerOptions;
import io.xqbus.cli.CliError;
import io.xqbus.cli.Commands;
import io.xqbus.cli.ExitCodes;

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
        SchemaSet schemas = SchemaSet.fromOption(broker.schemas(env));
        if (listTypes || (type != null && arguments.isEmpty())) {
            if (type != null) {
                schemas.namespaceOf(type);   // an unknown type is an error, with near matches
            }
            listTypes(schemas, type);
            return ExitCodes.OK;
        }

        String sourceName;
        byte[] body;
        if (type != null) {
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
            if (source != null) {
                builder.source(source);
            }
            sourceName = "--type " + type;
            body = builder.toXml(ns).getBytes(StandardCharsets.UTF_8);
        } else {
            if (arguments.size() > 1) {
                throw new CliError(ExitCodes.USAGE, "give one event file (or - for stdin), not " + arguments.size() + " arguments",
                        "to build an event from PATH=VALUE pairs, add --type TYPE");
            }
            String file = arguments.isEmpty() ? "-" : arguments.get(0);
            if (file.equals("-")) {
                sourceName = "<stdin>";
                body = stdin.readAllBytes();
            } else {
                Path path = Path.of(file);
                if (!Files.isRegularFile(path)) {
                    throw new CliError(ExitCodes.NO_INPUT, file + ": no such file", null);
                }
                sourceName = file;
                body = readFile(path);
            }
        }

        EventType eventType = schemas.validate(body, sourceName);
        if (validateOnly) {
            if (verbose) {
                err.println("sendevent: " + sourceName + ": a valid " + eventType.name() + " event");
            }
            return ExitCodes.OK;
        }

        var options = broker.toBusOptions(env).schemas(schemas);
        if (source != null) {
            options.source(source);
        }
        try (XqBus bus = XqBus.connect(options.build())) {
            Receipt r = bus.publish(body, sourceName);
            if (verbose) {
                err.println("sendevent: sent " + r.type() + " id=" + r.id() + " seq=" + r.seq() + " to " + r.address());
            }
        }
        return ExitCodes.OK;
    }

    private static byte[] readFile(Path path) throws CliError {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new CliError(ExitCodes.NO_INPUT, path + ": cannot read: " + e.getMessage());
        }
    }

    private void listTypes(SchemaSet schemas, String only) {
        for (EventType t : schemas.eventTypes()) {
            if (only != null && !t.name().equals(only)) {
                continue;
            }
            out.println(t.name() + "  {" + t.namespace() + "}  (" + t.file() + ")");
            if (t.documentation() != null) {
                out.println("    " + t.documentation());
            }
        }
        out.flush();
    }
}
