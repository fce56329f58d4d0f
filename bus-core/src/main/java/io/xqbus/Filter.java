package io.xqbus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import net.sf.saxon.expr.instruct.GlobalParam;
import net.sf.saxon.expr.instruct.GlobalVariable;
import net.sf.saxon.om.StructuredQName;
import net.sf.saxon.s9api.QName;
import net.sf.saxon.s9api.SaxonApiException;
import net.sf.saxon.s9api.XQueryCompiler;
import net.sf.saxon.s9api.XQueryExecutable;
import net.sf.saxon.s9api.XmlProcessingError;

import io.xqbus.internal.filter.FilterAnalysis;
import io.xqbus.internal.filter.FilterShape;
import io.xqbus.internal.filter.Sandbox;
import io.xqbus.internal.xml.NameAdmission;

/**
 * A compiled XQuery filter (brief §4): an XQuery 3.1 main module evaluated once per event with the event's
 * document node as context item. It matches when the effective boolean value of its result is true; the
 * result itself reaches the handler. A query may declare the external variables {@code $type}, {@code $ns},
 * {@code $source}, {@code $producer}, {@code $id} (strings) and {@code $seq} (an integer); a variable whose
 * envelope field is missing is bound to the empty sequence, so declare it {@code as xs:string?} or with a
 * default when foreign events may lack it. Any other external variable (in no namespace) is bound to the
 * message's application property of the same name, as the Qpid XML exchange bound message headers: typed as
 * sent ({@code xs:string}, {@code xs:integer}, {@code xs:double}, {@code xs:boolean}), the empty sequence when
 * the message has no such property (a misspelt name is therefore never an error: the subscription logs a
 * warning once when no property of a filter's first events matched it).
 *
 * <p>Filters run in a sandbox: no {@code doc()}, {@code collection()}, {@code unparsed-text()},
 * {@code json-doc()}, module imports or environment variables. Compile once, use from any thread: a
 * {@code Filter} is immutable and thread-safe.
 *
 * <pre>{@code
 * Filter busy = Filter.compile("busy", """
 *     declare namespace f = 'http://www.gonicus.de/Events';
 *     /f:Event/f:PhoneStatus[f:Status = 'busy']""");
 * }</pre>
 *
 * @since 0.1
 */
public final class Filter {

    /** The external variables bound from the envelope (brief §4); any other name is a message property's. */
    public static final Set<String> ENVELOPE_VARIABLES = Set.of("type", "ns", "source", "producer", "id", "seq");

    private final String name;
    private final String text;
    /**
     * Null for a filter the index decides alone (an exact shape) until something evaluates it anyway (a set
     * without the index): thousands of such filters then hold no compiled query at all.
     */
    private volatile XQueryExecutable executable;
    private final Set<String> declaredVariables;
    private final boolean guarded;
    private final FilterShape shape;

    private Filter(String name, String text, XQueryExecutable executable, Set<String> declaredVariables) {
        this(name, text, executable, declaredVariables, FilterAnalysis.needsGuard(executable));
    }

    private Filter(String name, String text, XQueryExecutable executable, Set<String> declaredVariables, boolean guarded) {
        this.name = name;
        this.text = text;
        this.declaredVariables = declaredVariables;
        this.guarded = guarded;
        this.shape = FilterShape.of(executable);
        this.executable = shape != null && shape.exact() ? null : executable;
    }

    /**
     * Tests only: this filter on the inline path whatever the analysis decided, to show what the inline path does
     * with an Error (the analysis keeps the queries that can allocate without bound off that path).
     */
    static Filter inlineForTests(Filter f) {
        return new Filter(f.name, f.text, f.executable(), f.declaredVariables, false);
    }

    /** What every match of this filter requires, from its compiled tree, or null (it may match any event). */
    FilterShape shape() {
        return shape;
    }

    /**
     * The event types (payload local names) of which every match has one, or an empty set when it
     * may match events of any type. Subscriptions whose filters all name types attach only to those types'
     * addresses (brief §3), and a filter index skips filters that cannot match an event.
     */
    public Set<String> types() {
        return shape == null ? Set.of() : shape.types();
    }

    /**
     * Whether this filter's cost may not be bounded by the event's size, so that it is evaluated under
     * {@link Limits#filterTime()} on a guard thread. Decided from the compiled expression tree by an
     * allow-list (downward paths, predicates, comparisons, small literals, linear built-in functions run
     * inline; recursion, iteration, quantifiers, {@code !}, ranges, regular expressions, {@code fn:transform}
     * and anything unknown run guarded).
     */
    public boolean guarded() {
        return guarded;
    }

    /**
     * Compiles a filter.
     *
     * @param name  a name for logs, counters and output (for example {@code busy-phones})
     * @param query the XQuery text
     * @throws FilterCompileException with the line, column and XQuery error code of the first error, or when
     *                                the query declares an external variable the bus cannot bind
     */
    public static Filter compile(String name, String query) throws FilterCompileException {
        return compile(name, query, "<query " + name + ">");
    }

    /**
     * Compiles a filter kept in a file; errors name the file.
     *
     * @throws FilterCompileException as {@link #compile(String, String)}, or when the file cannot be read
     */
    public static Filter compile(String name, Path file) throws FilterCompileException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new FilterCompileException(name, null, "the query file does not exist", new Location(file.toString(), 0, 0, null), e);
        } catch (IOException e) {
            throw new FilterCompileException(name, null, "cannot read the query file: " + e.getMessage(), new Location(file.toString(), 0, 0, null), e);
        }
        return compile(name, text, file.toString());
    }

    private static Filter compile(String name, String query, String sourceName) throws FilterCompileException {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(query, "query");
        try {
            return compileChecked(name, query, sourceName);
        } catch (StackOverflowError e) {
            // Saxon's parser and optimiser recurse once per nesting level: a query nested thousands deep
            // (20,000 parentheses) exhausts the stack. That is the query's fault, reported as such.
            throw new FilterCompileException(name, null, "the query is nested too deeply to compile",
                    new Location(sourceName, 0, 0, null), null);
        }
    }

    private static Filter compileChecked(String name, String query, String sourceName) throws FilterCompileException {
        XQueryCompiler compiler = Sandbox.processor().newXQueryCompiler();
        List<XmlProcessingError> errors = new ArrayList<>();
        compiler.setErrorList(errors);
        XQueryExecutable exec;
        try {
            exec = compiler.compile(query);
        } catch (SaxonApiException e) {
            XmlProcessingError first = errors.stream().filter(x -> !x.isWarning()).findFirst().orElse(null);
            if (first != null) {
                var loc = first.getLocation();
                String code = first.getErrorCode() == null ? null : first.getErrorCode().getLocalName();
                throw new FilterCompileException(name, code, first.getMessage(),
                        new Location(sourceName, loc.getLineNumber(), loc.getColumnNumber(), null), e);
            }
            String code = e.getErrorCode() == null ? null : e.getErrorCode().getLocalName();
            throw new FilterCompileException(name, code, e.getMessage(), new Location(sourceName, e.getLineNumber(), 0, null), e);
        }
        Set<String> declared = new HashSet<>();
        for (var it = exec.getUnderlyingCompiledQuery().getMainModule().getModuleVariables(); it.hasNext(); ) {
            GlobalVariable global = it.next();
            if (!(global instanceof GlobalParam)) {
                continue;
            }
            StructuredQName v = global.getVariableQName();
            if (!v.getURI().isEmpty()) {
                throw new FilterCompileException(name, "XPDY0002", "the query declares the external variable $" + v.getDisplayName()
                        + " in a namespace, but the bus binds variables in no namespace only: $" + String.join(", $",
                        new java.util.TreeSet<>(ENVELOPE_VARIABLES)) + " from the envelope, any other name from the message property of that name",
                        new Location(sourceName, 0, 0, null), null);
            }
            declared.add(v.getLocalPart());
        }
        // the namespaces the query names are Saxon's already: events bringing them spend no admission budget
        var namespaces = exec.getUnderlyingCompiledQuery().getMainModule().getNamespaceResolver();
        for (var it = namespaces.iteratePrefixes(); it.hasNext(); ) {
            var uri = namespaces.getURIForPrefix(it.next(), true);
            if (uri != null) {
                NameAdmission.admitNamespace(uri.toString());
            }
        }
        return new Filter(name, query, exec, Set.copyOf(declared));
    }

    /** The name given at compile time. */
    public String name() {
        return name;
    }

    /** The XQuery text. */
    public String text() {
        return text;
    }

    /** The compiled query; for an exact filter, compiled again on first use (it compiled once already). */
    XQueryExecutable executable() {
        XQueryExecutable e = executable;
        if (e == null) {
            synchronized (this) {
                e = executable;
                if (e == null) {
                    XQueryCompiler compiler = Sandbox.processor().newXQueryCompiler();
                    compiler.setErrorList(new ArrayList<>());   // warnings were seen at the first compile
                    try {
                        e = compiler.compile(text);
                    } catch (SaxonApiException x) {
                        throw new IllegalStateException("filter " + name + " compiled once but not again: " + x.getMessage(), x);
                    }
                    executable = e;
                }
            }
        }
        return e;
    }

    /** The external variables this query declares, by local name: envelope variables and property variables. */
    Set<String> declaredVariables() {
        return declaredVariables;
    }

    /** The declared variables bound to message properties: those that are not {@link #ENVELOPE_VARIABLES}. */
    Set<String> propertyVariables() {
        Set<String> out = new java.util.TreeSet<>(declaredVariables);
        out.removeAll(ENVELOPE_VARIABLES);
        return out;
    }

    static QName variable(String localName) {
        return new QName(localName);
    }

    @Override
    public String toString() {
        return "Filter[" + name + "]";
    }
}
