package io.xqbus.internal.filter;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import net.sf.saxon.expr.AndExpression;
import net.sf.saxon.expr.AtomicSequenceConverter;
import net.sf.saxon.expr.AttributeGetter;
import net.sf.saxon.expr.Atomizer;
import net.sf.saxon.expr.AxisExpression;
import net.sf.saxon.expr.CardinalityChecker;
import net.sf.saxon.expr.CastExpression;
import net.sf.saxon.expr.CompareToConstant;
import net.sf.saxon.expr.CompareToStringConstant;
import net.sf.saxon.expr.ContextItemExpression;
import net.sf.saxon.expr.Expression;
import net.sf.saxon.expr.FilterExpression;
import net.sf.saxon.expr.FirstItemExpression;
import net.sf.saxon.expr.GeneralComparison;
import net.sf.saxon.expr.GlobalVariableReference;
import net.sf.saxon.expr.ItemChecker;
import net.sf.saxon.expr.LastItemExpression;
import net.sf.saxon.expr.LetExpression;
import net.sf.saxon.expr.Literal;
import net.sf.saxon.expr.LocalVariableReference;
import net.sf.saxon.expr.OrExpression;
import net.sf.saxon.expr.RootExpression;
import net.sf.saxon.expr.SimpleStepExpression;
import net.sf.saxon.expr.SingletonAtomizer;
import net.sf.saxon.expr.SlashExpression;
import net.sf.saxon.expr.SystemFunctionCall;
import net.sf.saxon.expr.UntypedSequenceConverter;
import net.sf.saxon.expr.ValueComparison;
import net.sf.saxon.expr.instruct.GlobalParam;
import net.sf.saxon.expr.parser.Token;
import net.sf.saxon.expr.sort.CodepointCollator;
import net.sf.saxon.expr.sort.DocumentSorter;
import net.sf.saxon.lib.StringCollator;
import net.sf.saxon.om.AxisInfo;
import net.sf.saxon.om.GroundedValue;
import net.sf.saxon.om.NamespaceUri;
import net.sf.saxon.om.StructuredQName;
import net.sf.saxon.pattern.NameTest;
import net.sf.saxon.pattern.NodeKindTest;
import net.sf.saxon.pattern.NodeTest;
import net.sf.saxon.s9api.XQueryExecutable;
import net.sf.saxon.type.BuiltInAtomicType;
import net.sf.saxon.type.Type;
import net.sf.saxon.value.StringValue;

/**
 * What every match of a filter requires, derived from the expression tree Saxon compiled (brief §10 "Filter
 * index": never from the query's spelling, so {@code ./}, inlined {@code let}, reversed comparisons,
 * {@code eq}, comments, prefixes and default namespaces all come out the same). The result is a disjunction of
 * {@linkplain Alternative alternatives}: an event can match only if it satisfies one of them, each being a
 * payload type (or any type) and at most one key — a child, descendant, payload attribute or envelope attribute
 * that is present, equals a literal or starts with one. Every condition recorded is <em>necessary</em> for the
 * effective boolean value to be true (brief §4: a filter is limited only by what every match requires); what the
 * analysis does not understand contributes no condition, so such a filter is evaluated on every candidate event
 * as before, with identical results. A filter whose tree is exactly {@code /p:Event/p:T[p:C = 'v']} (or
 * {@code [@a = 'v']}) is <em>exact</em>: the index decides its match and its result is the payload. Internal.
 */
public final class FilterShape {

    /** Where a key's value is found in the event. */
    public enum Kind {
        /** A child element of the payload. */
        CHILD,
        /** An element anywhere in the payload, the payload included. */
        DESCENDANT,
        /** An attribute of the payload. */
        ATTRIBUTE,
        /** An attribute of the {@code Event} element (the envelope: {@code source}, {@code producer} …). */
        ENVELOPE
    }

    /**
     * A condition on one node of the event.
     *
     * @param namespace the element's namespace ({@code ""} for attributes, which are in no namespace here)
     * @param value     the literal the node's string value equals (or starts with), or null when presence suffices
     * @param prefix    whether {@code value} is a prefix ({@code starts-with}) rather than the whole value
     */
    public record Key(Kind kind, String namespace, String local, String value, boolean prefix) {
    }

    /**
     * One way of matching: the payload's local name (null: any type) and namespace (null: any, as for
     * {@code $type = 'T'}), and at most one key (null: the type alone).
     */
    public record Alternative(String type, String typeNamespace, Key key) {
    }

    /** More alternatives than this (an {@code or} of many) are not worth indexing: the filter is unshaped. */
    static final int MAX_ALTERNATIVES = 32;
    private static final String EVENT = "Event";

    /** What an exact filter's result is, once the index found it. */
    public enum Result {
        /** The payload element ({@code /p:Event/p:T[p:C = 'v']}, {@code $x/*[…]}). */
        PAYLOAD,
        /** The boolean true ({@code /p:Event/*}{@code /p:C = 'v'}, {@code $type = 'T'}, {@code $e/p:A or $e/p:B} …). */
        TRUE
    }

    /**
     * How an exact filter decides: its result, and the namespace the Event element must have (null: any), which
     * the index's lookups do not check themselves (the payload's namespace they do, through its alternative).
     */
    public record Exact(Result result, String eventNamespace) {
    }

    private final List<Alternative> alternatives;
    private final Exact exact;

    private FilterShape(List<Alternative> alternatives, Exact exact) {
        this.alternatives = List.copyOf(alternatives);
        this.exact = exact;
    }

    /** The alternatives, one of which every match satisfies; never empty. */
    public List<Alternative> alternatives() {
        return alternatives;
    }

    /** Whether the index decides the match alone (with {@link #decision()}'s namespace checks). */
    public boolean exact() {
        return exact != null;
    }

    /** For an exact filter, its result and namespace checks; null otherwise. */
    public Exact decision() {
        return exact;
    }

    /** The payload types every match has one of, or an empty set when some alternative allows any type. */
    public Set<String> types() {
        Set<String> types = new LinkedHashSet<>();
        for (Alternative a : alternatives) {
            if (a.type() == null) {
                return Set.of();
            }
            types.add(a.type());
        }
        return Set.copyOf(types);
    }

    @Override
    public String toString() {
        return (exact != null ? "exact " + exact.result() + " " : "") + alternatives;
    }

    /** The shape of a compiled filter, or null when it may match any event (nothing required is understood). */
    public static FilterShape of(XQueryExecutable exec) {
        Expression body = exec.getUnderlyingCompiledQuery().getExpression();
        List<List<Atom>> dnf = new Walk().condition(body, Loc.DOCUMENT);
        if (dnf == null) {
            return null;
        }
        List<Alternative> alternatives = new ArrayList<>();
        for (List<Atom> conjunction : dnf) {
            Alternative a = alternative(conjunction);
            if (a.type() == null && a.key() == null) {
                return null;   // one way of matching requires nothing: every event is a candidate
            }
            if (!alternatives.contains(a)) {
                alternatives.add(a);
            }
        }
        if (alternatives.isEmpty()) {
            return null;
        }
        return new FilterShape(alternatives, exact(body, alternatives));
    }

    /** The type and the most selective key of one conjunction: an equality, then a prefix, then presence. */
    private static Alternative alternative(List<Atom> conjunction) {
        Atom type = null;
        Key best = null;
        for (Atom atom : conjunction) {
            if (atom.type() != null) {
                type = type == null ? atom : type;   // two different types cannot both hold; either is necessary
            } else if (best == null || rank(atom.key()) > rank(best)) {
                best = atom.key();
            }
        }
        return type == null ? new Alternative(null, null, best) : new Alternative(type.type(), type.typeNs(), best);
    }

    private static int rank(Key k) {
        return k.value() == null ? 0 : k.prefix() ? 1 : 2;
    }

    /**
     * How the index alone decides the filter, or null when it must be evaluated. Exact are the forms whose
     * match is precisely what the alternatives say (plus the namespace checks), each with a known result:
     * <ul>
     * <li>{@code /p:Event/p:T[p:C = 'v']}, {@code [@a = 'v']}, also with {@code *} for {@code p:T}: the payload;
     * <li>a general {@code =} of one string literal and a path straight to the key's nodes
     *     ({@code /p:Event/*}{@code /p:C}, {@code /p:Event/p:T/@a}, {@code //p:C}, {@code /*}{@code /@source}),
     *     or of {@code $type}, {@code $source}, {@code $producer}; {@code exists} of such a path or of a payload
     *     type; an {@code and} of a type-only form and one keyed form; an {@code or} of type-only forms: true.
     * </ul>
     */
    private static Exact exact(Expression body, List<Alternative> alternatives) {
        Exact payload = payloadForm(body);
        if (payload != null) {
            return alternatives.size() == 1 ? payload : null;
        }
        Decided d = new Exactness().decide(body);
        if (d == null) {
            return null;
        }
        if (d.keys() > 1 || d.types() > 1 || d.alternatives() != alternatives.size()) {
            return null;   // the index checks one key and one type per alternative, and must have all of them
        }
        return new Exact(Result.TRUE, d.eventNs());
    }

    /** {@code /p:Event/p:T[p:C = 'v']} and its relatives whose result is the payload; null for anything else. */
    private static Exact payloadForm(Expression body) {
        if (!(body instanceof FilterExpression f) || !(f.getBase() instanceof SlashExpression slash)) {
            return null;
        }
        StructuredQName event = topEventStep(slash.getStart());
        if (event == null) {
            return null;
        }
        StructuredQName type = elementStep(slash.getStep(), AxisInfo.CHILD);
        boolean anyType = slash.getStep() instanceof AxisExpression a && a.getAxis() == AxisInfo.CHILD && a.getNodeTest() == NodeKindTest.ELEMENT;
        if (type == null && !anyType) {
            return null;
        }
        String eventNs = event.getNamespaceUri().toString();
        Exact exact = new Exact(Result.PAYLOAD, eventNs);
        Expression p = f.getFilter();
        if (p instanceof GeneralComparison c && c.getOperator() == Token.EQUALS && codepoint(c.getStringCollator())) {
            List<String> literal = strings(c.getRhsExpression());
            Expression key = c.getLhsExpression() instanceof Atomizer a ? a.getBaseExpression() : null;
            return literal != null && literal.size() == 1 && (elementStep(key, AxisInfo.CHILD) != null || isAttribute(key)) ? exact : null;
        }
        if (p instanceof ValueComparison c && c.getOperator() == Token.FEQ && codepoint(c.getStringCollator())) {
            // Saxon's form of [@a = 'v'] (an attribute is single, so eq cannot fail): (@a cast as xs:string?) eq 'v'
            List<String> literal = strings(c.getRhsExpression());
            Expression key = c.getLhsExpression() instanceof CastExpression cast && cast.getTargetType() == BuiltInAtomicType.STRING
                    ? cast.getBaseExpression() : null;
            return literal != null && literal.size() == 1 && isAttribute(key) ? exact : null;
        }
        return null;
    }

    /**
     * A boolean form decided by the index. Per alternative at most {@code keys} keys and {@code types} types
     * (the index checks one of each), {@code alternatives} of them (compared with the analysis's own count, so
     * that a capped or merged analysis is never taken as exact), and the namespaces it needs (null: any).
     */
    private record Decided(int keys, int types, int alternatives, String eventNs) {
        private static final String CONFLICT = new String("conflict");

        static Decided of(int keys, int types, Straight s) {
            return new Decided(keys, types, 1, s == null ? null : s.eventNs());
        }

        /** Both must hold: the stricter namespace need; null when they disagree. */
        Decided and(Decided o) {
            String e = eventNs == null ? o.eventNs : o.eventNs == null || eventNs.equals(o.eventNs) ? eventNs : CONFLICT;
            return e == CONFLICT ? null : new Decided(keys + o.keys, types + o.types, alternatives * o.alternatives, e);
        }

        /** Either holds: the namespace need is checked per filter, so both must need the same (or none). */
        Decided or(Decided o) {
            return java.util.Objects.equals(eventNs, o.eventNs)
                    ? new Decided(Math.max(keys, o.keys), Math.max(types, o.types), alternatives + o.alternatives, eventNs) : null;
        }
    }

    /**
     * Where a path straight from the document goes, with no predicate on the way: the Event element, the payload,
     * a key node. {@code eventNs}/{@code payloadNs} are the namespaces its named steps need (null: any).
     */
    private record Straight(Place where, boolean keyed, String eventNs, String payloadNs) {
    }

    /** The recogniser of boolean exact forms, with the {@code let} variables that stand for the Event element. */
    private static final class Exactness {
        private final Map<LetExpression, Straight> lets = new IdentityHashMap<>();

        Decided decide(Expression e) {
            if (e instanceof LetExpression let) {
                Straight bound = straight(let.getSequence());
                if (bound == null) {
                    return null;
                }
                lets.put(let, bound);
                return decide(let.getAction());
            }
            if (e instanceof AndExpression and) {
                Decided a = decide(and.getLhsExpression());
                Decided b = a == null ? null : decide(and.getRhsExpression());
                return b == null ? null : a.and(b);
            }
            if (e instanceof OrExpression or) {
                Decided a = decide(or.getLhsExpression());
                Decided b = a == null ? null : decide(or.getRhsExpression());
                return b == null ? null : a.or(b);
            }
            if (e instanceof SystemFunctionCall call && call.getFunctionName().hasURI(NamespaceUri.FN)
                    && call.getArity() == 1 && call.getFunctionName().getLocalPart().equals("exists")) {
                Straight s = straight(call.getArg(0));
                if (s == null || s.where() == Place.DOCUMENT || s.where() == Place.EVENT) {
                    return null;
                }
                return s.where() == Place.PAYLOAD && s.payloadNs() == null ? null
                        : Decided.of(s.keyed() ? 1 : 0, s.payloadNs() != null ? 1 : 0, s);
            }
            if (e instanceof GeneralComparison c && c.getOperator() == Token.EQUALS && codepoint(c.getStringCollator())) {
                List<String> literal = strings(c.getRhsExpression());
                Expression other = c.getLhsExpression();
                if (literal == null) {
                    literal = strings(c.getLhsExpression());
                    other = c.getRhsExpression();
                }
                if (literal == null || !(other instanceof Atomizer atomizer)) {
                    return null;
                }
                Expression v = atomizer.getBaseExpression();
                if (v instanceof GlobalVariableReference ref && ref.getBinding() instanceof GlobalParam
                        && ref.getVariableName().getNamespaceUri().isEmpty()) {
                    return switch (ref.getVariableName().getLocalPart()) {
                        case "type" -> new Decided(0, 1, literal.size(), null);
                        case "source", "producer" -> literal.size() == 1 ? Decided.of(1, 0, null) : null;
                        default -> null;
                    };
                }
                Straight s = straight(v);
                return s != null && s.keyed() && literal.size() == 1 ? Decided.of(1, s.payloadNs() != null ? 1 : 0, s) : null;
            }
            return null;
        }

        /** A path from the document with named or {@code *} steps only, to a place the index knows; else null. */
        private Straight straight(Expression e) {
            if (e instanceof RootExpression || e instanceof ItemChecker c && c.getBaseExpression() instanceof ContextItemExpression
                    || e instanceof ContextItemExpression) {
                return new Straight(Place.DOCUMENT, false, null, null);
            }
            if (e instanceof LocalVariableReference ref && ref.getBinding() instanceof LetExpression let) {
                return lets.get(let);
            }
            Expression start;
            Expression step;
            if (e instanceof SlashExpression slash) {
                start = slash.getStart();
                step = slash.getStep();
            } else if (e instanceof SimpleStepExpression simple) {
                start = simple.getStart();
                step = simple.getStep();
            } else {
                return null;
            }
            Straight from = straight(start);
            if (from == null || !(step instanceof AxisExpression axis)) {
                return null;
            }
            NodeTest test = axis.getNodeTest();
            StructuredQName name = test instanceof NameTest n ? n.getMatchingNodeName() : null;
            boolean anyElement = test == NodeKindTest.ELEMENT;
            boolean element = name != null && test.getPrimitiveType() == Type.ELEMENT;
            boolean attribute = name != null && axis.getAxis() == AxisInfo.ATTRIBUTE && name.getNamespaceUri().isEmpty();
            boolean child = axis.getAxis() == AxisInfo.CHILD;
            switch (from.where()) {
                case DOCUMENT -> {
                    if (child && anyElement) {
                        return new Straight(Place.EVENT, false, null, null);
                    }
                    if (child && element && name.getLocalPart().equals(EVENT)) {
                        return new Straight(Place.EVENT, false, name.getNamespaceUri().toString(), null);
                    }
                    if (axis.getAxis() == AxisInfo.DESCENDANT && element && !name.getLocalPart().equals(EVENT)) {
                        return new Straight(Place.ELEMENT, true, null, null);
                    }
                    return null;
                }
                case EVENT -> {
                    if (child && (anyElement || element)) {
                        return new Straight(Place.PAYLOAD, false, from.eventNs(), element ? name.getNamespaceUri().toString() : null);
                    }
                    return attribute ? new Straight(Place.ATTRIBUTE, true, from.eventNs(), null) : null;
                }
                case PAYLOAD -> {
                    if (child && element || attribute) {
                        return new Straight(attribute ? Place.ATTRIBUTE : Place.ELEMENT, true, from.eventNs(), from.payloadNs());
                    }
                    return null;
                }
                default -> {
                    return null;
                }
            }
        }
    }

    private static boolean isAttribute(Expression e) {
        return attributeStep(e) != null || e instanceof AttributeGetter g && g.getAttributeName().getNamespaceUri().isEmpty();
    }

    /** {@code /p:Event} or {@code ./p:Event} at the top of a query: the Event element's name, else null. */
    private static StructuredQName topEventStep(Expression e) {
        if (!(e instanceof SimpleStepExpression s)) {
            return null;
        }
        Expression start = s.getStart();
        if (start instanceof ItemChecker checker) {
            start = checker.getBaseExpression();
        }
        if (!(start instanceof RootExpression) && !(start instanceof ContextItemExpression)) {
            return null;
        }
        StructuredQName name = elementStep(s.getStep(), AxisInfo.CHILD);
        return name != null && name.getLocalPart().equals(EVENT) ? name : null;
    }

    private static StructuredQName elementStep(Expression e, int axis) {
        if (e instanceof AxisExpression a && a.getAxis() == axis && a.getNodeTest() instanceof NameTest n
                && n.getPrimitiveType() == Type.ELEMENT) {
            return n.getMatchingNodeName();
        }
        return null;
    }

    private static StructuredQName attributeStep(Expression e) {
        if (e instanceof AxisExpression a && a.getAxis() == AxisInfo.ATTRIBUTE && a.getNodeTest() instanceof NameTest n
                && n.getMatchingNodeName().getNamespaceUri().isEmpty()) {
            return n.getMatchingNodeName();
        }
        return null;
    }

    private static boolean codepoint(StringCollator collator) {
        return collator == null || collator instanceof CodepointCollator;
    }

    /** The values of a literal made only of xs:string items (not numbers, not untyped), else null. */
    private static List<String> strings(Expression e) {
        if (!(e instanceof Literal literal)) {
            return null;
        }
        GroundedValue v = literal.getGroundedValue();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.getLength(); i++) {
            if (!(v.itemAt(i) instanceof StringValue s) || s.getItemType() != BuiltInAtomicType.STRING) {
                return null;
            }
            out.add(s.getStringValue());
        }
        return out.isEmpty() ? null : out;
    }

    /** One necessary condition: a payload type, or a key. */
    private record Atom(String type, String typeNs, Key key) {
        static Atom type(String local, String namespace) {
            return new Atom(local, namespace, null);
        }

        static Atom key(Key key) {
            return new Atom(null, null, key);
        }
    }

    /**
     * Where a path's nodes are, as far as the analysis can tell, and what must hold for it to select any node.
     *
     * @param where    the kind of node; null for a node the analysis does not place
     * @param kind     for a key-bearing place, the key kind; else null
     * @param name     that node's name, when it has a key kind
     * @param required the conditions (a DNF, never null) for the path to select at least one node
     */
    private record Loc(Place where, Kind kind, StructuredQName name, List<List<Atom>> required) {
        static final Loc DOCUMENT = new Loc(Place.DOCUMENT, null, null, Walk.TRUE);

        static Loc unknown(List<List<Atom>> required) {
            return new Loc(Place.OTHER, null, null, required);
        }

        Loc keyed(Place where, Kind kind, StructuredQName name) {
            Key presence = new Key(kind, name.getNamespaceUri().toString(), name.getLocalPart(), null, false);
            return new Loc(where, kind, name, Walk.and(required, List.of(List.of(Atom.key(presence)))));
        }
    }

    private enum Place { DOCUMENT, EVENT, PAYLOAD, ELEMENT, ATTRIBUTE, OTHER }

    /** One walk over a compiled tree, with the places {@code let} variables stand for. */
    private static final class Walk {
        /** The condition that always holds: one alternative requiring nothing. */
        static final List<List<Atom>> TRUE = List.of(List.of());

        private final Map<LetExpression, Loc> lets = new IdentityHashMap<>();

        /** A necessary condition (DNF) for the effective boolean value of {@code e} to be true; null means TRUE. */
        List<List<Atom>> condition(Expression e, Loc context) {
            List<List<Atom>> c = cond(e, context);
            return c == TRUE || c.stream().anyMatch(List::isEmpty) ? null : c;
        }

        private List<List<Atom>> cond(Expression e, Loc context) {
            if (e instanceof AndExpression and) {
                return and(cond(and.getLhsExpression(), context), cond(and.getRhsExpression(), context));
            }
            if (e instanceof OrExpression or) {
                return or(cond(or.getLhsExpression(), context), cond(or.getRhsExpression(), context));
            }
            if (e instanceof LetExpression let) {
                lets.put(let, path(let.getSequence(), context));
                return cond(let.getAction(), context);
            }
            if (e instanceof GeneralComparison g) {
                return comparison(g.getLhsExpression(), g.getRhsExpression(), g.getOperator() == Token.EQUALS && codepoint(g.getStringCollator()), context);
            }
            if (e instanceof ValueComparison v) {
                return comparison(v.getLhsExpression(), v.getRhsExpression(), v.getOperator() == Token.FEQ && codepoint(v.getStringCollator()), context);
            }
            if (e instanceof CompareToStringConstant c) {
                boolean eq = c.getComparisonOperator() == Token.FEQ && codepoint(c.getStringCollator());
                Loc loc = path(c.getLhsExpression(), context);
                return eq ? equality(loc, List.of(c.getComparand().toString())) : loc.required();
            }
            if (e instanceof CompareToConstant c) {
                return path(c.getLhsExpression(), context).required();   // a value compared must exist
            }
            if (e instanceof SystemFunctionCall call && call.getFunctionName().hasURI(NamespaceUri.FN)) {
                return function(call, context);
            }
            if (isPath(e)) {
                return path(e, context).required();   // nodes: true exactly when there is one
            }
            return TRUE;
        }

        private List<List<Atom>> function(SystemFunctionCall call, Loc context) {
            String fn = call.getFunctionName().getLocalPart() + "#" + call.getArity();
            switch (fn) {
                case "exists#1", "boolean#1" -> {
                    return cond(call.getArg(0), context);
                }
                case "starts-with#2", "contains#2", "ends-with#2" -> {
                    List<String> literal = strings(call.getArg(1));
                    if (literal == null || literal.size() != 1 || literal.get(0).isEmpty()) {
                        return TRUE;   // every string starts with "": no condition
                    }
                    Loc loc = path(call.getArg(0), context);
                    if (fn.startsWith("starts-with") && loc.kind() != null) {
                        return and(loc.required(), List.of(List.of(Atom.key(key(loc, literal.get(0), true)))));
                    }
                    return loc.required();   // the empty sequence contains nothing but ""
                }
                default -> {
                    return TRUE;
                }
            }
        }

        /** {@code a = b}: both sides must have a value; with a string literal and a keyed place, an equality. */
        private List<List<Atom>> comparison(Expression lhs, Expression rhs, boolean equality, Loc context) {
            List<String> literal = strings(rhs);
            Expression other = lhs;
            if (literal == null) {
                literal = strings(lhs);
                other = rhs;
            }
            if (literal != null) {
                Expression v = unwrap(other);
                if (v instanceof GlobalVariableReference ref && ref.getBinding() instanceof GlobalParam) {
                    return equality ? variable(ref.getVariableName(), literal) : TRUE;
                }
                Loc loc = path(other, context);
                return equality ? equality(loc, literal) : loc.required();
            }
            return and(path(lhs, context).required(), path(rhs, context).required());
        }

        private List<List<Atom>> equality(Loc loc, List<String> values) {
            if (loc.kind() == null) {
                return loc.required();
            }
            List<List<Atom>> any = new ArrayList<>();
            for (String v : values) {
                any.add(List.of(Atom.key(key(loc, v, false))));
            }
            return and(loc.required(), any);
        }

        private static Key key(Loc loc, String value, boolean prefix) {
            return new Key(loc.kind(), loc.name().getNamespaceUri().toString(), loc.name().getLocalPart(), value, prefix);
        }

        /** {@code $type = 'T'} and the envelope variables bound from the Event element's attributes. */
        private static List<List<Atom>> variable(StructuredQName name, List<String> values) {
            if (!name.getNamespaceUri().isEmpty()) {
                return TRUE;
            }
            String v = name.getLocalPart();
            if (!v.equals("type") && !v.equals("source") && !v.equals("producer")) {
                return TRUE;   // $id may come from the message, $seq is a number, $ns is not indexed, others are headers
            }
            List<List<Atom>> any = new ArrayList<>();
            for (String value : values) {
                any.add(List.of(v.equals("type") ? Atom.type(value, null) : Atom.key(new Key(Kind.ENVELOPE, "", v, value, false))));
            }
            return any;
        }

        private static boolean isPath(Expression e) {
            Expression u = unwrap(e);
            return u instanceof SlashExpression || u instanceof SimpleStepExpression || u instanceof AxisExpression
                    || u instanceof FilterExpression || u instanceof RootExpression || u instanceof ContextItemExpression
                    || u instanceof LocalVariableReference || u instanceof AttributeGetter;
        }

        /** Wrappers that keep a sequence empty exactly when their operand is. */
        private static Expression unwrap(Expression e) {
            Expression u = e;
            while (true) {
                if (u instanceof Atomizer a) {
                    u = a.getBaseExpression();
                } else if (u instanceof SingletonAtomizer a) {
                    u = a.getBaseExpression();
                } else if (u instanceof AtomicSequenceConverter a) {
                    u = a.getBaseExpression();
                } else if (u instanceof UntypedSequenceConverter a) {
                    u = a.getBaseExpression();
                } else if (u instanceof CardinalityChecker a) {
                    u = a.getBaseExpression();
                } else if (u instanceof ItemChecker a) {
                    u = a.getBaseExpression();
                } else if (u instanceof DocumentSorter a) {
                    u = a.getBaseExpression();
                } else if (u instanceof FirstItemExpression a) {
                    u = a.getBaseExpression();
                } else if (u instanceof LastItemExpression a) {
                    u = a.getBaseExpression();
                } else if (u instanceof CastExpression c && c.getTargetType() == BuiltInAtomicType.STRING) {
                    u = c.getBaseExpression();   // Saxon writes @a = 'v' as (@a cast as xs:string) eq 'v': the same string
                } else {
                    return u;
                }
            }
        }

        /** Where the nodes of a path are, and what must hold for it to select one. */
        private Loc path(Expression e, Loc context) {
            Expression u = unwrap(e);
            if (u instanceof RootExpression) {
                return Loc.DOCUMENT;
            }
            if (u instanceof ContextItemExpression) {
                return context;
            }
            if (u instanceof LocalVariableReference ref && ref.getBinding() instanceof LetExpression let) {
                Loc bound = lets.get(let);
                return bound == null ? Loc.unknown(TRUE) : bound;
            }
            if (u instanceof AxisExpression axis) {
                NodeTest test = axis.getNodeTest();
                StructuredQName name = test instanceof NameTest n ? n.getMatchingNodeName() : null;
                boolean element = name != null ? test.getPrimitiveType() == Type.ELEMENT : test == NodeKindTest.ELEMENT;
                return step(context, axis.getAxis(), name, element);
            }
            if (u instanceof AttributeGetter attribute) {   // @a of the context item, as Saxon compiles it in predicates
                return step(context, AxisInfo.ATTRIBUTE, attribute.getAttributeName().getStructuredQName(), false);
            }
            if (u instanceof SlashExpression slash) {
                return path(slash.getStep(), path(slash.getStart(), context));
            }
            if (u instanceof SimpleStepExpression step) {
                return path(step.getStep(), path(step.getStart(), context));
            }
            if (u instanceof FilterExpression filter) {
                Loc base = path(filter.getBase(), context);
                if (filter.isFilterIsPositional() || !(filter.getFilter().getItemType() == BuiltInAtomicType.BOOLEAN || isPath(filter.getFilter()))) {
                    return base;   // [1], [last()], [$n]: a position, no condition on the content
                }
                return new Loc(base.where(), base.kind(), base.name(), and(base.required(), cond(filter.getFilter(), base)));
            }
            // not placed; whatever it is, it is evaluated only where its context exists (a step after a path, say)
            return Loc.unknown(context.required());
        }

        /** One axis step from a place; anything not placed keeps what its context required. */
        private static Loc step(Loc from, int a, StructuredQName name, boolean element) {
            boolean child = a == AxisInfo.CHILD;
            boolean descendant = a == AxisInfo.DESCENDANT || a == AxisInfo.DESCENDANT_OR_SELF;
            Loc unknown = Loc.unknown(from.required());
            switch (from.where()) {
                case DOCUMENT -> {
                    if (child && element && (name == null || name.getLocalPart().equals(EVENT))) {
                        return new Loc(Place.EVENT, null, null, from.required());
                    }
                    if (descendant && element && name != null && !name.getLocalPart().equals(EVENT)) {
                        return from.keyed(Place.ELEMENT, Kind.DESCENDANT, name);
                    }
                    return unknown;
                }
                case EVENT -> {
                    if (child && element) {
                        List<List<Atom>> typed = name == null ? from.required() : and(from.required(), List.of(List.of(Atom.type(name.getLocalPart(), name.getNamespaceUri().toString()))));
                        return new Loc(Place.PAYLOAD, null, null, typed);
                    }
                    if (a == AxisInfo.ATTRIBUTE && name != null && name.getNamespaceUri().isEmpty()) {
                        return from.keyed(Place.ATTRIBUTE, Kind.ENVELOPE, name);
                    }
                    return unknown;
                }
                case PAYLOAD -> {
                    if (element && name != null && (child || descendant)) {
                        return from.keyed(Place.ELEMENT, child ? Kind.CHILD : Kind.DESCENDANT, name);
                    }
                    if (a == AxisInfo.ATTRIBUTE && name != null && name.getNamespaceUri().isEmpty()) {
                        return from.keyed(Place.ATTRIBUTE, Kind.ATTRIBUTE, name);
                    }
                    return unknown;
                }
                case ELEMENT -> {
                    if (element && name != null && (child || descendant)) {
                        return from.keyed(Place.ELEMENT, Kind.DESCENDANT, name);   // deeper: an element somewhere in the payload
                    }
                    return unknown;
                }
                default -> {
                    return unknown;
                }
            }
        }

        /** Both conditions: every pair of alternatives (capped: beyond the cap the left side alone, still necessary). */
        static List<List<Atom>> and(List<List<Atom>> a, List<List<Atom>> b) {
            if (a == TRUE) {
                return b;
            }
            if (b == TRUE) {
                return a;
            }
            if ((long) a.size() * b.size() > MAX_ALTERNATIVES) {
                return a.size() <= b.size() ? a : b;
            }
            List<List<Atom>> out = new ArrayList<>();
            for (List<Atom> x : a) {
                for (List<Atom> y : b) {
                    List<Atom> both = new ArrayList<>(x);
                    both.addAll(y);
                    out.add(both);
                }
            }
            return out;
        }

        /** Either condition (capped: beyond the cap, no condition). */
        static List<List<Atom>> or(List<List<Atom>> a, List<List<Atom>> b) {
            if (a == TRUE || b == TRUE || a.size() + b.size() > MAX_ALTERNATIVES) {
                return TRUE;
            }
            List<List<Atom>> out = new ArrayList<>(a);
            out.addAll(b);
            return out;
        }
    }
}
