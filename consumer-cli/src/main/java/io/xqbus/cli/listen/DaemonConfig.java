package io.xqbus.cli.listen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import picocli.CommandLine.TypeConversionException;

import io.xqbus.FilterCompileException;
import io.xqbus.Location;
import io.xqbus.cli.CliError;
import io.xqbus.cli.Durations;
import io.xqbus.cli.ExitCodes;

/**
 * The daemon's configuration file ({@code listenevents --config FILE}): named filters, each with an XQuery
 * (inline or in a file) and an action. Sections start with {@code [filter NAME]}; inside, {@code key = value}
 * lines; a line that starts with whitespace continues the previous value on a new line (for multi-line
 * queries); {@code #} starts a comment line.
 *
 * <pre>
 * [filter busy-phones]
 * query = declare namespace f = 'http://www.gonicus.de/Events';
 *         /f:Event/f:PhoneStatus[f:Status = 'busy']
 * action = exec notify-send "phone $XQBUS_ID busy"
 * timeout = 10s
 *
 * [filter audit]
 * query-file = audit.xq
 * action = append /var/log/xqbus/audit.log
 * print = event          # result (default) | event | payload, as --print
 * envelope = strip       # keep (default) | strip, as --envelope
 * </pre>
 *
 * Every problem is reported with the file and line before anything connects (exit 78; a query that does
 * not compile is exit 65, with its line in this file).
 */
final class DaemonConfig {

    private static final Set<String> KEYS = Set.of("query", "query-file", "action", "timeout", "print", "envelope");

    /**
     * One filter of the file.
     *
     * @param print    its {@code print} key, or null for the command line's {@code --print}
     * @param envelope its {@code envelope} key, or null for the command line's {@code --envelope}
     */
    record FilterSpec(String name, String query, Path queryFile, int queryLine, String action, Duration timeout, int line,
                      Handover.Print print, Handover.Envelope envelope) {

        /** What this filter hands on, its keys over the command line's defaults. */
        Handover handover(Handover defaults) {
            return new Handover(print != null ? print : defaults.print(), envelope != null ? envelope : defaults.envelope());
        }
    }

    private final Path file;
    private final List<FilterSpec> filters;

    private DaemonConfig(Path file, List<FilterSpec> filters) {
        this.file = file;
        this.filters = filters;
    }

    List<FilterSpec> filters() {
        return filters;
    }

    Path file() {
        return file;
    }

    static DaemonConfig read(Path file) throws CliError {
        if (!Files.isRegularFile(file)) {
            throw new CliError(ExitCodes.NO_INPUT, file + ": no such configuration file");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliError(ExitCodes.CONFIG, file + ": cannot read: " + e.getMessage());
        }
        List<FilterSpec> filters = new ArrayList<>();
        String name = null;
        int sectionLine = 0;
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Integer> valueLines = new LinkedHashMap<>();
        String lastKey = null;
        for (int i = 0; i <= lines.size(); i++) {
            String raw = i < lines.size() ? lines.get(i) : "[end]";
            String line = raw.strip();
            int n = i + 1;
            if (i < lines.size() && (line.isEmpty() || line.startsWith("#"))) {
                continue;
            }
            if (i < lines.size() && Character.isWhitespace(raw.charAt(0)) && lastKey != null) {
                values.put(lastKey, values.get(lastKey) + "\n" + line);
                continue;
            }
            if (line.startsWith("[")) {
                if (name != null) {
                    filters.add(spec(file, name, sectionLine, values, valueLines, filters));
                }
                values = new LinkedHashMap<>();
                valueLines = new LinkedHashMap<>();
                lastKey = null;
                if (i == lines.size()) {
                    break;
                }
                if (!line.endsWith("]") || !line.substring(1, line.length() - 1).strip().startsWith("filter ")) {
                    throw new CliError(ExitCodes.CONFIG, file + ":" + n + ": expected a section '[filter NAME]', found '" + line + "'");
                }
                name = line.substring(1, line.length() - 1).strip().substring("filter ".length()).strip();
                if (name.isEmpty() || name.contains(" ")) {
                    throw new CliError(ExitCodes.CONFIG, file + ":" + n + ": a filter name is one word, found '" + name + "'");
                }
                sectionLine = n;
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new CliError(ExitCodes.CONFIG, file + ":" + n + ": expected 'key = value', found '" + line + "'");
            }
            if (name == null) {
                throw new CliError(ExitCodes.CONFIG, file + ":" + n + ": '" + line + "' is outside a [filter NAME] section");
            }
            String key = line.substring(0, eq).strip();
            if (!KEYS.contains(key)) {
                throw new CliError(ExitCodes.CONFIG, file + ":" + n + ": unknown key '" + key + "'",
                        "a filter takes query or query-file, action (print, append FILE, exec COMMAND), timeout, "
                                + "print (result, event, payload) and envelope (keep, strip)");
            }
            if (values.containsKey(key)) {
                throw new CliError(ExitCodes.CONFIG, file + ":" + n + ": '" + key + "' given twice in [filter " + name + "]");
            }
            values.put(key, line.substring(eq + 1).strip());
            valueLines.put(key, n);
            lastKey = key;
        }
        if (filters.isEmpty()) {
            throw new CliError(ExitCodes.CONFIG, file + ": no [filter NAME] section");
        }
        return new DaemonConfig(file, List.copyOf(filters));
    }

    private static FilterSpec spec(Path file, String name, int line, Map<String, String> values, Map<String, Integer> lines,
                                   List<FilterSpec> earlier) throws CliError {
        for (FilterSpec f : earlier) {
            if (f.name().equals(name)) {
                throw new CliError(ExitCodes.CONFIG, file + ":" + line + ": filter '" + name + "' is defined twice (first at line " + f.line() + ")");
            }
        }
        String query = values.get("query");
        String queryFile = values.get("query-file");
        if ((query == null) == (queryFile == null)) {
            throw new CliError(ExitCodes.CONFIG, file + ":" + line + ": [filter " + name + "] needs exactly one of query or query-file");
        }
        Path qf = null;
        if (queryFile != null) {
            qf = file.toAbsolutePath().getParent().resolve(queryFile);
            if (!Files.isRegularFile(qf)) {
                throw new CliError(ExitCodes.NO_INPUT, file + ":" + lines.get("query-file") + ": no such query file " + qf);
            }
        }
        String action = values.getOrDefault("action", "print");
        String verb = action.split("\\s+", 2)[0];
        if (!Set.of("print", "append", "exec").contains(verb) || !verb.equals("print") && action.strip().equals(verb)) {
            throw new CliError(ExitCodes.CONFIG, file + ":" + lines.getOrDefault("action", line) + ": bad action '" + action + "'",
                    "write: print | append FILE | exec COMMAND");
        }
        Duration timeout = Duration.ofSeconds(30);
        if (values.containsKey("timeout")) {
            try {
                timeout = Durations.parse(values.get("timeout"));
            } catch (TypeConversionException e) {
                throw new CliError(ExitCodes.CONFIG, file + ":" + lines.get("timeout") + ": " + e.getMessage());
            }
        }
        Handover.Print print = choice(file, lines, values, "print", Handover.Print.class);
        Handover.Envelope envelope = choice(file, lines, values, "envelope", Handover.Envelope.class);
        return new FilterSpec(name, query, qf, query != null ? lines.get("query") : 1, action, timeout, line, print, envelope);
    }

    /** The value of a key that names one constant of {@code type}, or null when the key is absent. */
    private static <E extends Enum<E>> E choice(Path file, Map<String, Integer> lines, Map<String, String> values, String key,
                                                Class<E> type) throws CliError {
        String value = values.get(key);
        if (value == null) {
            return null;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(value)) {
                return e;
            }
        }
        throw new CliError(ExitCodes.CONFIG, file + ":" + lines.get(key) + ": bad " + key + " '" + value + "'",
                "write: " + key + " = " + String.join(" | ", java.util.Arrays.stream(type.getEnumConstants()).map(Enum::name).toList()));
    }

    /** A compile error of an inline query, located in this file. */
    FilterCompileException relocate(FilterSpec spec, FilterCompileException e) {
        if (spec.queryFile() != null) {
            return e;
        }
        Location l = e.location();
        int line = l.line() > 0 ? spec.queryLine() + l.line() - 1 : spec.queryLine();
        return new FilterCompileException(spec.name(), e.errorCode(), e.problem().replaceFirst("^" + java.util.regex.Pattern.quote(
                e.errorCode() == null ? "" : e.errorCode() + ": "), ""), new Location(file.toString(), line, l.column(), null), e);
    }
}
