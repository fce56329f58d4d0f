package io.xqbus.cli.listen;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.xqbus.BrokerUnavailableException;
import io.xqbus.BusListener;
import io.xqbus.Filter;
import io.xqbus.Location;
import io.xqbus.Match;
import io.xqbus.SchemaSet;
import io.xqbus.Subscription;
import io.xqbus.XqBus;
import io.xqbus.cli.BrokerOptions;
import io.xqbus.cli.CliError;
import io.xqbus.cli.Commands;
import io.xqbus.cli.Durations;
import io.xqbus.cli.ExitCodes;

/**
 * The {@code listenevents} command (brief §7): subscribes XQuery filters and prints each match on one line.
 * Once subscribed it writes {@code listening on …} to stderr, so scripts know when to send. It ends on
 * Ctrl-C, after {@code --count} matches, or at {@code --timeout}.
 */
@Command(name = "listenevents", mixinStandardHelpOptions = true, version = "listenevents (xqbus) 0.1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Subscribe XQuery filters to the bus and print every event they match.", ""},
        footer = {"", "Examples:",
                "  listenevents --query \"declare namespace f='http://www.gonicus.de/Events'; /f:Event/f:PhoneStatus[f:Status='busy']\"",
                "  listenevents --query-file busy.xq --count 1 --timeout 30s",
                "  listenevents --format ndjson --query 'declare variable $type external; $type' | jq .",
                "", ExitCodes.HELP})
public final class ListenEvents implements Callable<Integer> {

    @Mixin
    BrokerOptions broker = new BrokerOptions();

    @ArgGroup(exclusive = false, multiplicity = "1..*")
    List<QueryOption> queries = new ArrayList<>();

    /** One filter: inline text or a file. */
    static final class QueryOption {
        @Option(names = "--query", paramLabel = "XQUERY", description = "An XQuery filter (repeatable).")
        String text;

        @Option(names = "--query-file", paramLabel = "FILE", description = "A file holding an XQuery filter (repeatable).")
        Path file;
    }

    @Option(names = "--count", paramLabel = "N", description = "Exit after N matches (each filter match counts one).")
    Long count;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "Exit after this long (30s, 5m, 1h, PT30S), counted from the 'listening on' line; "
                    + "exit 75 if --count was given and not reached.")
    Duration timeout;

    @Option(names = "--format", paramLabel = "FORMAT", description = "xml (default: the result on one line) or ndjson (one JSON object per match).")
    OutputFormat format = OutputFormat.xml;

    @Option(names = {"-v", "--verbose"}, description = "Show stack traces on errors.")
    boolean verbose;

    private final Map<String, String> env;
    private final PrintWriter out;
    private final PrintWriter err;
    private final CountDownLatch stop = new CountDownLatch(1);

    ListenEvents(Map<String, String> env, PrintWriter out, PrintWriter err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        Commands.quietLogging();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), false);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(run(args, System.getenv(), out, err));
    }

    /** Runs the command as {@code main} would and returns its exit code (for tests and embedding). */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        ListenEvents command = new ListenEvents(env, out, err);
        CommandLine cl = Commands.configure(command, "listenevents", out, err, () -> command.verbose);
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** Asks a running command to stop, as Ctrl-C does (for embedding and tests). */
    void requestStop() {
        stop.countDown();
    }

    @Override
    public Integer call() throws Exception {
        if (count != null && count < 1) {
            throw new CliError(ExitCodes.USAGE, "--count must be at least 1");
        }
        List<Filter> filters = compileFilters();
        broker.settings(env);
        String schemasOption = broker.schemas();
        SchemaSet schemas = schemasOption == null ? null : SchemaSet.fromOption(schemasOption);

        AtomicReference<Throwable> connectionFailure = new AtomicReference<>();
        var options = broker.toBusOptions().listener(new BusListener() {
            @Override
            public void connectionLost(Throwable cause) {
                connectionFailure.compareAndSet(null, cause);
                stop.countDown();
            }
        });
        if (schemas != null) {
            options.schemas(schemas).validateIncoming(true);
        }
        MatchPrinter printer = new MatchPrinter(format, out);
        AtomicLong printed = new AtomicLong();
        Thread hook = new Thread(stop::countDown, "listenevents-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (XqBus bus = XqBus.connect(options.build())) {
            Subscription subscription = bus.subscribe(filters, match -> {
                long n = printed.incrementAndGet();
                if (count != null && n > count) {
                    return;
                }
                print(printer, match);
                if (count != null && n >= count) {
                    stop.countDown();
                }
            });
            err.println("listening on " + String.join(", ", subscription.addresses()) + " (" + filters.size() + " filter"
                    + (filters.size() == 1 ? "" : "s") + ")");
            err.flush();
            boolean stopped = timeout == null ? await() : stop.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            subscription.close();
            if (connectionFailure.get() != null) {
                throw new BrokerUnavailableException("the connection to the broker was lost: " + connectionFailure.get().getMessage(),
                        new Location(broker.broker(), 0, 0, null), connectionFailure.get());
            }
            if (!stopped && count != null && printed.get() < count) {
                err.println("listenevents: timed out after " + timeout + " with " + printed.get() + " of " + count + " matches");
                return ExitCodes.TEMPFAIL;
            }
            return ExitCodes.OK;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting because of Ctrl-C; that is how we got here
            }
        }
    }

    private boolean await() throws InterruptedException {
        stop.await();
        return true;
    }

    private synchronized void print(MatchPrinter printer, Match match) {
        printer.print(match);
        out.flush();
    }

    private List<Filter> compileFilters() throws Exception {
        List<Filter> filters = new ArrayList<>();
        int n = 0;
        for (QueryOption q : queries) {
            if (q.text != null) {
                filters.add(Filter.compile("query" + (++n), q.text));
            }
            if (q.file != null) {
                if (!q.file.toFile().isFile()) {
                    throw new CliError(ExitCodes.NO_INPUT, q.file + ": no such query file");
                }
                String name = q.file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
                filters.add(Filter.compile(name, q.file));
            }
        }
        return filters;
    }
}
