package io.xqbus.internal.filter;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

import net.sf.saxon.expr.AndExpression;
import net.sf.saxon.expr.ArithmeticExpression;
import net.sf.saxon.expr.AtomicSequenceConverter;
import net.sf.saxon.expr.Atomizer;
import net.sf.saxon.expr.AttributeGetter;
import net.sf.saxon.expr.AxisExpression;
import net.sf.saxon.expr.Binding;
import net.sf.saxon.expr.CardinalityChecker;
import net.sf.saxon.expr.CastExpression;
import net.sf.saxon.expr.CastableExpression;
import net.sf.saxon.expr.CompareToConstant;
import net.sf.saxon.expr.ContextItemExpression;
import net.sf.saxon.expr.Expression;
import net.sf.saxon.expr.FilterExpression;
import net.sf.saxon.expr.FirstItemExpression;
import net.sf.saxon.expr.GeneralComparison;
import net.sf.saxon.expr.GlobalVariableReference;
import net.sf.saxon.expr.HomogeneityChecker;
import net.sf.saxon.expr.IdentityComparison;
import net.sf.saxon.expr.InstanceOfExpression;
import net.sf.saxon.expr.IntegerRangeTest;
import net.sf.saxon.expr.IsLastExpression;
import net.sf.saxon.expr.ItemChecker;
import net.sf.saxon.expr.LastItemExpression;
import net.sf.saxon.expr.LetExpression;
import net.sf.saxon.expr.Literal;
import net.sf.saxon.expr.LocalVariableReference;
import net.sf.saxon.expr.NegateExpression;
import net.sf.saxon.expr.Operand;
import net.sf.saxon.expr.OrExpression;
import net.sf.saxon.expr.RootExpression;
import net.sf.saxon.expr.SimpleStepExpression;
import net.sf.saxon.expr.SingletonAtomizer;
import net.sf.saxon.expr.SingletonIntersectExpression;
import net.sf.saxon.expr.SlashExpression;
import net.sf.saxon.expr.SubscriptExpression;
import net.sf.saxon.expr.SystemFunctionCall;
import net.sf.saxon.expr.TailExpression;
import net.sf.saxon.expr.UntypedSequenceConverter;
import net.sf.saxon.expr.ValueComparison;
import net.sf.saxon.expr.VariableReference;
import net.sf.saxon.expr.VennExpression;
import net.sf.saxon.expr.instruct.Block;
import net.sf.saxon.expr.instruct.Choose;
import net.sf.saxon.expr.instruct.GlobalParam;
import net.sf.saxon.expr.instruct.GlobalVariable;
import net.sf.saxon.expr.sort.ConditionalSorter;
import net.sf.saxon.expr.sort.DocumentSorter;
import net.sf.saxon.om.AxisInfo;
import net.sf.saxon.om.GroundedValue;
import net.sf.saxon.om.Item;
import net.sf.saxon.om.NamespaceUri;
import net.sf.saxon.om.StructuredQName;
import net.sf.saxon.s9api.XQueryExecutable;
import net.sf.saxon.value.AtomicValue;
import net.sf.saxon.value.Cardinality;

/**
 * Decides at compile time whether a filter runs inline or under the time limit on a guard thread, from the
 * expression tree Saxon compiled (brief §10 "Filter index": never from the query's spelling). It is an
 * allow-list: a filter runs inline only when every compiled node is of a kind whose cost is bounded by the
 * event's size — downward axis steps, predicates, comparisons, boolean and arithmetic operators, small
 * literals, {@code let}, the envelope and header variables, and a vetted set of built-in functions whose cost
 * is linear in their arguments. Everything else — user functions (recursion), {@code for}/FLWOR,
 * {@code some}/{@code every}, the simple map operator {@code !}, ranges, literals folded from ranges or long
 * sequences, regular expressions, sorting, higher-order and dynamic calls, {@code fn:transform}, node
 * constructors, unknown functions — runs guarded.
 *
 * <p>Inside a repeated part (a predicate, the right-hand side of {@code /}) only what stays in the context
 * node's own subtree is inline: child, attribute and self steps, no absolute path, no variable holding a
 * sequence from outside, so that the sum over all context nodes stays proportional to the event. Two
 * sequences compared with {@code =} cost the product of their lengths and run guarded too. Internal.
 */
public final class FilterAnalysis {

    /** A literal sequence longer than this (a range folded at compile time, say) may drive unbounded work. */
    static final int MAX_INLINE_LITERAL_ITEMS = 64;
    /** A string literal longer than this makes {@code contains()} on a large event cost its length times the event's. */
    static final int MAX_INLINE_LITERAL_CHARS = 256;

    /**
     * The {@code fn:} functions (local name and arity) whose cost is linear in their arguments' size. Not
     * here, so guarded: regular expressions ({@code matches}, {@code replace}, {@code tokenize} —
     * catastrophic backtracking), collations (the three-argument forms), sorting, {@code distinct-values},
     * higher-order functions, {@code transform}, {@code load-xquery-module}, {@code parse-xml},
     * {@code serialize}, {@code root}, {@code id} and whatever Saxon adds.
     */
    private static final Set<String> LINEAR_FUNCTIONS = Set.of(
            "true#0", "false#0", "not#1", "boolean#1", "exists#1", "empty#1", "count#1",
            "exactly-one#1", "zero-or-one#1", "one-or-more#1", "head#1", "tail#1", "reverse#1",
            "subsequence#2", "subsequence#3", "remove#2", "insert-before#3", "index-of#2",
            "position#0", "last#0",
            "string#0", "string#1", "data#0", "data#1", "number#0", "number#1", "string-length#0", "string-length#1",
            "normalize-space#0", "normalize-space#1", "string-join#1", "string-join#2",
            "substring#2", "substring#3", "substring-before#2", "substring-after#2",
            "contains#2", "starts-with#2", "ends-with#2", "compare#2", "codepoint-equal#2",
            "upper-case#1", "lower-case#1", "translate#3", "normalize-unicode#1",
            "string-to-codepoints#1", "codepoints-to-string#1", "encode-for-uri#1",
            "name#0", "name#1", "local-name#0", "local-name#1", "namespace-uri#0", "namespace-uri#1",
            "node-name#0", "node-name#1", "has-children#0", "has-children#1", "nilled#0", "nilled#1",
            "sum#1", "sum#2", "avg#1", "min#1", "max#1", "abs#1", "ceiling#1", "floor#1", "round#1", "round#2",
            "round-half-to-even#1", "round-half-to-even#2",
            "current-dateTime#0", "current-date#0", "current-time#0", "implicit-timezone#0");

    /** Axes whose steps stay inside the context node's subtree, so a predicate's cost sums to the event's size. */
    private static final Set<Integer> SUBTREE_AXES = Set.of((int) AxisInfo.CHILD, (int) AxisInfo.ATTRIBUTE, (int) AxisInfo.SELF);
    /** Axes allowed on a path evaluated once: {@code //x} reads each node of the event once. */
    private static final Set<Integer> ONCE_AXES = Set.of((int) AxisInfo.CHILD, (int) AxisInfo.ATTRIBUTE, (int) AxisInfo.SELF,
            (int) AxisInfo.DESCENDANT, (int) AxisInfo.DESCENDANT_OR_SELF);

    private FilterAnalysis() {
    }

    /** Whether the compiled query needs the time limit. */
    public static boolean needsGuard(XQueryExecutable exec) {
        return guardReason(exec) != null;
    }

    /**
     * Why the compiled query needs the time limit — the first compiled construct whose cost is not bounded
     * by the event's size, for logs and tests — or null when it runs inline.
     */
    public static String guardReason(XQueryExecutable exec) {
        var query = exec.getUnderlyingCompiledQuery();
        for (var it = query.getMainModule().getModuleVariables(); it.hasNext(); ) {
            GlobalVariable v = it.next();
            if (v.getBody() != null) {
                String why = new Walk().unbounded(v.getBody());
                if (why != null) {
                    return "the variable $" + v.getVariableQName().getDisplayName() + ": " + why;
                }
            }
        }
        return new Walk().unbounded(query.getExpression());
    }

    /** One walk over a tree: a node with its repetition depth (how many predicates or steps enclose it). */
    private static final class Walk {
        private record Node(Expression e, int repeated) {
        }

        /** The repetition depth at which each {@code let} binds its variable. */
        private final Map<Binding, Integer> lets = new IdentityHashMap<>();

        String unbounded(Expression root) {
            Deque<Node> todo = new ArrayDeque<>();
            todo.push(new Node(root, 0));
            while (!todo.isEmpty()) {
                Node n = todo.pop();
                String why = check(n.e(), n.repeated());
                if (why != null) {
                    return why;
                }
                if (n.e() instanceof LetExpression let) {
                    lets.put(let, n.repeated());
                }
                Deque<Node> children = new ArrayDeque<>();
                for (Operand o : n.e().operands()) {
                    boolean again = o.isEvaluatedRepeatedly() && !overOneItem(n.e());
                    children.push(new Node(o.getChildExpression(), n.repeated() + (again ? 1 : 0)));
                }
                children.forEach(todo::push);   // operands in order: the reason names the first unbounded part
            }
            return null;
        }

        /** Null when this node (its own cost, not its operands') is bounded; otherwise why not. */
        private String check(Expression e, int repeated) {
            if (e instanceof Literal literal) {
                return literal(literal.getGroundedValue());
            }
            if (e instanceof AxisExpression axis) {
                Set<Integer> allowed = repeated == 0 ? ONCE_AXES : SUBTREE_AXES;
                return allowed.contains(axis.getAxis()) ? null
                        : "the " + AxisInfo.axisName[axis.getAxis()] + " axis" + (repeated == 0 ? "" : " inside a predicate or step");
            }
            if (e instanceof RootExpression) {
                return repeated == 0 ? null : "an absolute path inside a predicate or step (it is evaluated once per node)";
            }
            if (e instanceof LocalVariableReference ref) {
                Integer bound = lets.get(ref.getBinding());
                if (bound == null) {
                    return "the variable " + name(ref) + " bound by an iteration";
                }
                return outerSequence(ref, repeated > bound);
            }
            if (e instanceof GlobalVariableReference ref) {
                // an external variable holds one envelope or property value; a declared one is evaluated once
                return ref.getBinding() instanceof GlobalParam ? null : outerSequence(ref, repeated > 0);
            }
            if (e instanceof GeneralComparison || e instanceof ValueComparison) {
                var c = (net.sf.saxon.expr.BinaryExpression) e;
                return isMany(c.getLhsExpression()) && isMany(c.getRhsExpression())
                        ? "a comparison of two sequences (it costs the product of their lengths)" : null;
            }
            if (e instanceof SystemFunctionCall call) {
                StructuredQName fn = call.getFunctionName();
                String key = fn.getLocalPart() + "#" + call.getArity();
                return fn.hasURI(NamespaceUri.FN) && LINEAR_FUNCTIONS.contains(key)
                        ? null : "the function " + fn.getDisplayName() + "#" + call.getArity();
            }
            if (bounded(e)) {
                return null;
            }
            return "the construct " + e.getExpressionName() + " (" + e.getClass().getSimpleName() + ")";
        }

        /** A variable holding a sequence, bound outside the predicate or step that reads it, costs its length each time. */
        private static String outerSequence(VariableReference ref, boolean fromOutside) {
            return fromOutside && Cardinality.allowsMany(ref.getCardinality())
                    ? "the sequence " + name(ref) + " read once per node of a predicate or step" : null;
        }

        private static String name(VariableReference ref) {
            StructuredQName q = ref.getVariableName();
            return q.hasURI(NamespaceUri.SAXON_GENERATED_VARIABLE) ? "(a subexpression Saxon moved out of the loop)" : "$" + q.getDisplayName();
        }

        /** A step or predicate applied to at most one item ({@code /x}, {@code .[p]}) is evaluated at most once. */
        private static boolean overOneItem(Expression e) {
            Expression over = e instanceof SlashExpression s ? s.getStart()
                    : e instanceof FilterExpression f ? f.getBase() : null;
            return over != null && !Cardinality.allowsMany(over.getCardinality());
        }

        /**
         * A sequence operand of unknown length: not a literal (its length is checked), not a single item, not an
         * external variable (it holds one envelope or property value, whatever its declared type allows).
         */
        private static boolean isMany(Expression e) {
            Expression inner = e;
            while (inner instanceof Atomizer || inner instanceof AtomicSequenceConverter || inner instanceof UntypedSequenceConverter
                    || inner instanceof CardinalityChecker || inner instanceof ItemChecker) {
                inner = inner.operands().iterator().next().getChildExpression();
            }
            boolean external = inner instanceof GlobalVariableReference ref && ref.getBinding() instanceof GlobalParam;
            return !(inner instanceof Literal) && !external && Cardinality.allowsMany(e.getCardinality());
        }

        private static String literal(GroundedValue value) {
            if (value.getLength() > MAX_INLINE_LITERAL_ITEMS) {
                return "a literal sequence of " + value.getLength() + " items (more than " + MAX_INLINE_LITERAL_ITEMS + ")";
            }
            for (int i = 0; i < value.getLength(); i++) {
                Item item = value.itemAt(i);
                if (!(item instanceof AtomicValue atomic)) {
                    return "a literal " + item.getGenre().name().toLowerCase(java.util.Locale.ROOT) + " (only atomic literals are inline)";
                }
                long chars = atomic.getUnicodeStringValue().length();
                if (chars > MAX_INLINE_LITERAL_CHARS) {
                    return "a literal of " + chars + " characters (more than " + MAX_INLINE_LITERAL_CHARS + ")";
                }
            }
            return null;
        }

        /** The other node kinds whose own cost is at most linear in their operands'. */
        private static boolean bounded(Expression e) {
            return e instanceof ContextItemExpression || e instanceof AttributeGetter || e instanceof SimpleStepExpression || e instanceof SlashExpression
                    || e instanceof FilterExpression || e instanceof FirstItemExpression || e instanceof LastItemExpression
                    || e instanceof SubscriptExpression || e instanceof TailExpression || e instanceof IsLastExpression
                    || e instanceof DocumentSorter || e instanceof ConditionalSorter
                    || e instanceof VennExpression || e instanceof SingletonIntersectExpression
                    || e instanceof AndExpression || e instanceof OrExpression || e instanceof NegateExpression
                    || e instanceof ArithmeticExpression || e instanceof CompareToConstant || e instanceof IdentityComparison
                    || e instanceof IntegerRangeTest || e instanceof InstanceOfExpression || e instanceof CastExpression
                    || e instanceof CastableExpression || e instanceof Atomizer
                    || e instanceof SingletonAtomizer || e instanceof AtomicSequenceConverter
                    || e instanceof UntypedSequenceConverter || e instanceof ItemChecker || e instanceof CardinalityChecker
                    || e instanceof HomogeneityChecker || e instanceof Choose || e instanceof Block || e instanceof LetExpression;
        }
    }

}
