package io.xqbus.cli.schemas;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import io.xqbus.SchemaException;
import io.xqbus.SchemaSet;
import io.xqbus.cli.Commands;
import io.xqbus.cli.ExitCodes;
import io.xqbus.cli.TypeLister;

/**
 * The {@code xqbus-schemas} command: {@code check DIR} compiles a schema directory as the bus would and
 * reports every problem with its file, line and column (exit 65 on any); {@code list DIR} prints its event
 * types with their fields and documentation. {@code +DIR} means the predefined events plus DIR, as
 * {@code --schemas}; no DIR means the predefined events.
 */
@Command(name = "xqbus-schemas", mixinStandardHelpOptions = true, versionProvider = io.xqbus.cli.CommandVersion.class,
        description = {"Check or list a schema directory as the bus compiles it.", ""},
        subcommands = {SchemasCommand.Check.class, SchemasCommand.ListTypes.class, CommandLine.HelpCommand.class},
        footer = {"", "Examples:", "  xqbus-schemas check ./schemas", "  xqbus-schemas list +./schemas", "", ExitCodes.HELP})
public final class SchemasCommand implements Callable<Integer> {

    private final PrintWriter out;
    private final PrintWriter err;

    SchemasCommand(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        Commands.quietLogging();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(run(args, out, err));
    }

    /** Runs the command as {@code main} would and returns its exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        SchemasCommand root = new SchemasCommand(out, err);
        CommandLine cl = Commands.configure(root, "xqbus-schemas", out, err, () -> false);
        cl.setExecutionExceptionHandler((e, c, p) -> {
            if (e instanceof SchemaException s) {
                for (SchemaException.Problem problem : s.problems()) {
                    err.println(problem);
                }
                err.println("xqbus-schemas: " + s.problems().size() + " problem(s)");
                err.flush();
                return s.problem().contains("does not exist") ? ExitCodes.NO_INPUT : ExitCodes.DATA;
            }
            return new io.xqbus.cli.ErrorReporter("xqbus-schemas").report(e, err, false);
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(err);
        return ExitCodes.USAGE;
    }

    /** {@code check DIR}. */
    @Command(name = "check", description = "Compile DIR as one schema set; report every problem with file, line and column.")
    static final class Check implements Callable<Integer> {
        @CommandLine.ParentCommand
        SchemasCommand parent;

        @Parameters(paramLabel = "DIR", arity = "0..1", description = "The schema directory (+DIR: with the predefined events).")
        String directory;

        @Override
        public Integer call() throws SchemaException {
            SchemaSet set = SchemaSet.fromOption(directory);
            parent.out.println((directory == null ? "predefined events" : directory) + ": " + set.eventTypes().size()
                    + " event types, no problems");
            return ExitCodes.OK;
        }
    }

    /** {@code list DIR}. */
    @Command(name = "list", description = "Print the event types of DIR with their fields and documentation.")
    static final class ListTypes implements Callable<Integer> {
        @CommandLine.ParentCommand
        SchemasCommand parent;

        @Parameters(paramLabel = "DIR", arity = "0..1", description = "The schema directory (+DIR: with the predefined events).")
        String directory;

        @Override
        public Integer call() throws SchemaException {
            TypeLister.print(SchemaSet.fromOption(directory), null, parent.out);
            return ExitCodes.OK;
        }
    }
}
