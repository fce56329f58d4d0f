package io.xqbus.cli.listen;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.xqbus.BrokerUnavailableException;
import io.xqbus.BusListener;
import io.xqbus.Filter;
import io.xqbus.FilterCompileException;
import io.xqbus.Location;
import io.xqbus.Match;
import io.xqbus.SchemaSet;
import io.xqbus.Subscription;
import io.xqbus.SubscriptionOptions;
import io.xqbus.XqBus;
import io.xqbus.XqBusException;
import io.xqbus.cli.BrokerOptions;
import io.xqbus.cli.CliError;
import io.xqbus.cli.Commands;
import io.xqbus.cli.Durations;
import io.xqbus.cli.ExitCodes;

/**
 * The {@code listenevents} command (brief §7, §8): subscribes XQuery filters and acts on each match.
 *
 * <p><b>One-shot</b> (with {@code --count} or {@code --timeout}): prints matches, fails fast (exit 69) when
 * the broker cannot be reached or goes away. <b>Daemon</b> (neither): runs until SIGTERM or Ctrl-C,
 * reconnects for ever with backoff, logs a status line periodically and on SIGUSR1. With {@code --durable}
 * or {@code --shared} it joins a consumer group and is at least once: an event is acknowledged only after
 * every matching action succeeded; failing actions are retried, then the event is dead-lettered.
 */
@Command(name = "listenevents", mixinStandardHelpOptions = true, versionProvider = io.xqbus.cli.CommandVersion.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Subscribe XQuery filters to the bus and act on every event they match.", ""},
        footer = {"", "Examples:",
                "  listenevents --query \"declare namespace f='http://www.gonicus.de/Events'; /f:Event/f:PhoneStatus[f:Status='busy']\"",
                "  listenevents --query-file busy.xq --count 1 --timeout 30s",
                "  listenevents --format ndjson --query 'declare variable $type external; $type' | jq .",
                "  listenevents --print event --envelope strip --query \"declare namespace f='http://www.gonicus.de/Events'; ./f:Event/f:ClientAnnounce or ./f:Event/f:ClientLeave\"",
                "  listenevents --config /etc/xqbus/alerts.conf --durable alerts",
                "  listenevents --unsubscribe alerts",
                "", ExitCodes.HELP})
public final class ListenEvents implements Callable<Integer> {

    @Mixin
    BrokerOptions broker = new BrokerOptions();

    @Option(names = "--query", paramLabel = "XQUERY", description = "An XQuery filter whose matches are printed (repeatable).")
    List<String> queries = new ArrayList<>();

    @Option(names = "--query-file", paramLabel = "FILE", description = "A file holding an XQuery filter (repeatable).")
    List<Path> queryFiles = new ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE", description = "Named filters with actions (print, append, exec); see README.md.")
    Path config;

    @Option(names = "--count", paramLabel = "N", description = "Exit after N matches (each filter match counts one).")
    Long count;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "Exit after this long (30s, 5m, 1h, PT30S), counted from the 'listening on' line; "
                    + "exit 75 if --count was given and not reached.")
    Duration timeout;

    @Option(names = "--format", paramLabel = "FORMAT", description = "xml (default: the result on one line) or ndjson (one JSON object per match).")
    OutputFormat format = OutputFormat.xml;

    @Option(names = "--print", paramLabel = "WHAT",
            description = "What is printed per match: result (default: the query result), event (the whole event) or payload; "
                    + "with ndjson, event and payload add a field of that name.")
    Handover.Print print = Handover.Print.result;

    @Option(names = "--envelope", paramLabel = "MODE",
            description = "keep (default) or strip: hand printed events and exec actions the event without the bus's "
                    + "envelope attributes (as the lineage's attribute-less Event).")
    Handover.Envelope envelope = Handover.Envelope.keep;

    @Option(names = "--durable", paramLabel = "NAME",
            description = "Join the durable consumer group NAME: events wait while no member runs; members share them; at least once.")
    String durable;

    @Option(names = "--shared", paramLabel = "NAME", description = "Join the shared (non-durable) consumer group NAME; at least once.")
    String shared;

    @Option(names = "--unsubscribe", paramLabel = "NAME", description = "Delete the durable consumer group NAME and the events it holds, then exit.")
    String unsubscribe;

    @Option(names = "--attempts", paramLabel = "N", description = "Attempts of a failing action before the event is dead-lettered (default 5).")
    int attempts = SubscriptionOptions.DEFAULT_MAX_ATTEMPTS;

    @Option(names = "--status-interval", paramLabel = "DURATION", converter = Durations.class,
            description = "How often the daemon logs its status line (default 60s; 0 turns it off).")
    Duration statusInterval = Duration.ofSeconds(60);

    @Option(names = {"-v", "--verbose"}, description = "Show stack traces on errors.")
    boolean verbose;

    private final Map<String, String> env;
    private final PrintWriter out;
    private final PrintWriter err;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    ListenEvents(Map<String, String> env, PrintWriter out, PrintWriter err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        Commands.quietLogging();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), false);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        ListenEvents command = new ListenEvents(System.getenv(), out, err);
        Thread hook = new Thread(() -> {
            command.requestStop();
            try {
                // finish the actions in flight, acknowledge, close; then end with 0 (brief: SIGTERM is a clean stop).
                // Before it subscribed (still connecting, perhaps to an unreachable failover list) nothing is in flight.
                if (command.subscribed) {
                    command.finished.await(60, TimeUnit.SECONDS);
                }
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            out.flush();
            err.flush();
            Runtime.getRuntime().halt(ExitCodes.OK);
        }, "listenevents-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        int code = command.execute(args);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return;   // the hook ends the JVM
        }
        System.exit(code);
    }

    /** Runs the command as {@code main} would and returns its exit code (for tests and embedding). */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        return new ListenEvents(env, out, err).execute(args);
    }

    /** Starts the command on another thread (for tests and embedding); stop it with {@link Running#stop()}. */
    static Running start(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        ListenEvents command = new ListenEvents(env, out, err);
        return new Running(command, CompletableFuture.supplyAsync(() -> command.execute(args)));
    }

    /** A command started with {@link #start}. */
    record Running(ListenEvents command, CompletableFuture<Integer> exit) {
        /** Stops it as SIGTERM would and returns its exit code. */
        int stop() throws Exception {
            command.requestStop();
            return exit.get(60, TimeUnit.SECONDS);
        }
    }

    private int execute(String[] args) {
        CommandLine cl = Commands.configure(this, "listenevents", out, err, () -> verbose);
        int code = cl.execute(args);
        out.flush();
        err.flush();
        finished.countDown();
        return code;
    }

    /** Set once subscribed: from then on a stop waits for the actions in flight. */
    private volatile boolean subscribed;

    /** Asks a running command to stop, as SIGTERM does. */
    void requestStop() {
        stop.countDown();
    }

    @Override
    public Integer call() throws Exception {
        broker.settings(env);
        if (unsubscribe != null) {
            try (XqBus bus = XqBus.connect(broker.toBusOptions().build())) {
                bus.unsubscribe(unsubscribe);
            }
            err.println("listenevents: deleted the consumer group " + unsubscribe);
            return ExitCodes.OK;
        }
        if (durable != null && shared != null) {
            throw new CliError(ExitCodes.USAGE, "give --durable or --shared, not both");
        }
        if (count != null && count < 1) {
            throw new CliError(ExitCodes.USAGE, "--count must be at least 1");
        }
        if (attempts < 1) {
            throw new CliError(ExitCodes.USAGE, "--attempts must be at least 1");
        }
        MatchPrinter printer = new MatchPrinter(format, out);
        Map<String, Action> actions = new LinkedHashMap<>();
        List<Filter> filters = compileFilters(printer, actions);
        if (filters.isEmpty()) {
            throw new CliError(ExitCodes.USAGE, "no filter: give --query, --query-file or --config",
                    "listenevents --query '.' prints every event");
        }
        String schemasOption = broker.schemas();
        if (schemasOption != null) {
            SchemaSet.fromOption(schemasOption);   // a broken or missing directory is reported before connecting
        }
        boolean oneShot = count != null || timeout != null;

        AtomicReference<Throwable> connectionFailure = new AtomicReference<>();
        AtomicReference<Throwable> deliveryFailure = new AtomicReference<>();
        var options = broker.toBusOptions().reconnect(!oneShot).listener(new BusListener() {
            @Override
            public void connectionLost(Throwable cause) {
                if (oneShot) {
                    connectionFailure.compareAndSet(null, cause);
                    stop.countDown();
                }
            }

            @Override
            public void subscriptionFailed(Subscription subscription, Throwable cause) {
                // never a connected process that delivers nothing: end with 70 so that a supervisor restarts it
                deliveryFailure.compareAndSet(null, cause);
                stop.countDown();
            }
        });
        if (schemasOption != null) {
            options.watchSchemas(schemasOption).validateIncoming(true);   // live: changes apply without a restart
        }
        SubscriptionOptions.Builder group = SubscriptionOptions.builder().maxAttempts(attempts);
        if (durable != null) {
            group.durable(durable);
        } else if (shared != null) {
            group.shared(shared);
        }
        AtomicLong matches = new AtomicLong();
        ScheduledExecutorService status = null;
        try (XqBus bus = XqBus.connect(options.build())) {
            Subscription subscription = bus.subscribe(filters, match -> {
                if (count != null && matches.get() >= count) {
                    return;
                }
                actions.get(match.filter()).run(match);
                if (count != null && matches.incrementAndGet() >= count) {
                    stop.countDown();
                }
            }, group.build());
            subscribed = true;
            err.println("listening on " + String.join(", ", subscription.addresses()) + " (" + filters.size() + " filter"
                    + (filters.size() == 1 ? "" : "s") + (durable != null ? ", durable group " + durable : "")
                    + (shared != null ? ", shared group " + shared : "") + ")");
            err.flush();
            if (!oneShot) {
                status = startStatus(bus, subscription);
            }
            boolean stopped = timeout == null ? await() : stop.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            subscription.close();
            if (deliveryFailure.get() != null) {
                throw new XqBusException("the delivery of events stopped: " + deliveryFailure.get()
                        + "; the event being handled was not acknowledged; exiting so that a supervisor restarts listenevents",
                        deliveryFailure.get());
            }
            if (!oneShot) {
                err.println("listenevents: stopped; " + status(bus, subscription));
            }
            if (connectionFailure.get() != null) {
                throw new BrokerUnavailableException("the connection to the broker was lost: " + connectionFailure.get().getMessage(),
                        new Location(broker.broker(), 0, 0, null), connectionFailure.get());
            }
            if (!stopped && count != null && matches.get() < count) {
                err.println("listenevents: timed out after " + timeout + " with " + matches.get() + " of " + count + " matches");
                return ExitCodes.TEMPFAIL;
            }
            return ExitCodes.OK;
        } finally {
            if (status != null) {
                status.shutdownNow();
            }
        }
    }

    private ScheduledExecutorService startStatus(XqBus bus, Subscription subscription) {
        ScheduledExecutorService status = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "listenevents-status");
            t.setDaemon(true);
            return t;
        });
        Runnable line = () -> {
            err.println("listenevents: status: " + status(bus, subscription));
            err.flush();
        };
        if (!statusInterval.isZero()) {
            status.scheduleAtFixedRate(line, statusInterval.toMillis(), statusInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
        StatusSignal.install(() -> status.execute(line));
        return status;
    }

    static String status(XqBus bus, Subscription s) {
        StringBuilder b = new StringBuilder();
        b.append("received=").append(s.received()).append(" matched={");
        int i = 0;
        for (Filter f : s.filters()) {
            b.append(i++ == 0 ? "" : ", ").append(f.name()).append('=').append(s.matched(f.name()));
        }
        b.append("} filter-errors=").append(s.filterErrors())
                .append(" rejected=").append(s.rejected())
                .append(" failed-actions=").append(s.handlerErrors())
                .append(" dead-lettered=").append(s.deadLettered())
                .append(" reconnects=").append(bus.reconnects());
        return b.toString();
    }

    private boolean await() throws InterruptedException {
        stop.await();
        return true;
    }

    private List<Filter> compileFilters(MatchPrinter printer, Map<String, Action> actions) throws Exception {
        List<Filter> filters = new ArrayList<>();
        Handover handover = new Handover(this.print, envelope);
        PrintAction print = new PrintAction(printer, handover);
        if (config != null) {
            DaemonConfig c = DaemonConfig.read(config);
            for (DaemonConfig.FilterSpec spec : c.filters()) {
                Filter f;
                try {
                    f = spec.queryFile() != null ? Filter.compile(spec.name(), spec.queryFile()) : Filter.compile(spec.name(), spec.query());
                } catch (FilterCompileException e) {
                    throw c.relocate(spec, e);
                }
                filters.add(f);
                String[] verb = spec.action().split("\\s+", 2);
                Handover own = spec.handover(handover);
                actions.put(spec.name(), switch (verb[0]) {
                    case "append" -> new AppendAction(c.file().toAbsolutePath().getParent().resolve(verb[1].strip()), printer, own);
                    case "exec" -> new ExecAction(verb[1].strip(), spec.timeout(), own);
                    default -> new PrintAction(printer, own);
                });
            }
        }
        int n = 0;
        for (String q : queries) {
            if (actions.containsKey("query" + (n + 1))) {
                throw new CliError(ExitCodes.USAGE, "two filters are named query" + (n + 1) + " (--query is named so)",
                        "rename the filter of the configuration file");
            }
            Filter f = Filter.compile("query" + (++n), q);
            filters.add(f);
            actions.put(f.name(), print);
        }
        for (Path file : queryFiles) {
            if (!file.toFile().isFile()) {
                throw new CliError(ExitCodes.NO_INPUT, file + ": no such query file");
            }
            String name = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
            if (actions.containsKey(name)) {
                throw new CliError(ExitCodes.USAGE, "two filters are named " + name, "rename one of the query files");
            }
            Filter f = Filter.compile(name, file);
            filters.add(f);
            actions.put(f.name(), print);
        }
        return filters;
    }
}
