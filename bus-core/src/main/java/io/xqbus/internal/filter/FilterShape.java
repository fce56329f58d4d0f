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
     * One way of matching: the payload's local name (null: any type) and at most one key (null: the type alone).
     */
    public record Alternative(String type, Key key) {
    }

    /** More alternatives than this (an {@code or} of many) are not worth indexing: the filter is unshaped. */
    static final int MAX_ALTERNATIVES = 32;
    private static final String EVENT = "Event";

    private final List<Alternative> alternatives;
    private final boolean exact;

    private FilterShape(List<Alternative> alternatives, boolean exact) {
        this.alternatives = List.copyOf(alternatives);
        this.exact = exact;
    }

    /** The alternatives, one of which every match satisfies; never empty. */
    public List<Alternative> alternatives() {
        return alternatives;
    }

    /** Whether the index decides the match alone and the result is the payload. */
    public boolean exact() {
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
        return (exact ? "exact " : "") + alternatives;
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
        return new FilterShape(alternatives, alternatives.size() == 1 && isExact(body));
    }

    /** The type and the most selective key of one conjunction: an equality, then a prefix, then presence. */
    private static Alternative alternative(List<Atom> conjunction) {
        String type = null;
        Key best = null;
        for (Atom atom : conjunction) {
            if (atom.type() != null) {
                type = type == null ? atom.type() : type;   // two different types cannot both hold; either is necessary
            } else if (best == null || rank(atom.key()) > rank(best)) {
                best = atom.key();
            }
        }
        return new Alternative(type, best);
    }

    private static int rank(Key k) {
        return k.value() == null ? 0 : k.prefix() ? 1 : 2;
    }

    /**
     * Whether the tree is exactly {@code /p:Event/p:T[p:C = 'v']} or {@code [@a = 'v']} (Event and T in one
     * namespace, one string literal, a general comparison, the codepoint collation): then the payload matches
     * exactly when the index finds such a child or attribute, and the query's result is the payload.
     */
    private static boolean isExact(Expression body) {
        if (!(body instanceof FilterExpression f) || !(f.getBase() instanceof SlashExpression slash)) {
            return false;
        }
        StructuredQName event = topEventStep(slash.getStart());
        StructuredQName type = elementStep(slash.getStep(), AxisInfo.CHILD);
        if (event == null || type == null || !event.getNamespaceUri().equals(type.getNamespaceUri())) {
            return false;
        }
        Expression p = f.getFilter();
        if (p instanceof GeneralComparison c && c.getOperator() == Token.EQUALS && codepoint(c.getStringCollator())) {
            List<String> literal = strings(c.getRhsExpression());
            Expression key = c.getLhsExpression() instanceof Atomizer a ? a.getBaseExpression() : null;
            return literal != null && literal.size() == 1 && (elementStep(key, AxisInfo.CHILD) != null || isAttribute(key));
        }
        if (p instanceof ValueComparison c && c.getOperator() == Token.FEQ && codepoint(c.getStringCollator())) {
            // Saxon's form of [@a = 'v'] (an attribute is single, so eq cannot fail): (@a cast as xs:string?) eq 'v'
            List<String> literal = strings(c.getRhsExpression());
            Expression key = c.getLhsExpression() instanceof CastExpression cast && cast.getTargetType() == BuiltInAtomicType.STRING
                    ? cast.getBaseExpression() : null;
            return literal != null && literal.size() == 1 && isAttribute(key);
        }
        return false;
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
    private record Atom(String type, Key key) {
        static Atom type(String local) {
            return new Atom(local, null);
        }

        static Atom key(Key key) {
            return new Atom(null, key);
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
                any.add(List.of(v.equals("type") ? Atom.type(value) : Atom.key(new Key(Kind.ENVELOPE, "", v, value, false))));
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
                        List<List<Atom>> typed = name == null ? from.required() : and(from.required(), List.of(List.of(Atom.type(name.getLocalPart()))));
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
