package io.xqbus.internal.filter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a filter's text says about the events it can match (brief §4, type derivation), found by a small
 * strict parser — not by Saxon — so that anything it does not fully understand yields "no shape" and the
 * filter is simply evaluated on every event. Understood: a prolog of namespace declarations, then a path
 * {@code /p:Event/p:T} (or {@code ./p:Event/p:T}, or the lineage's {@code let $e := ./p:Event return $e/p:T})
 * followed by predicates, further steps, and at most one comparison with a literal. Every match of such a
 * query requires a payload {@code T}; its first predicate's first {@code p:C = 'literal'} (or
 * {@code @a = 'literal'}) conjunct is required as well. A query that is exactly {@code …/p:T[p:C = 'v']} is
 * <em>exact</em>: it matches precisely when the payload is {@code T} with such a child, and its result is the
 * payload. Internal.
 *
 * @param typeNs    the payload's namespace
 * @param type      the payload's local name
 * @param eqKey     {@code {ns}local} of a child element or {@code @name} of an attribute, or null
 * @param eqValue   the literal it must equal, or null
 * @param exact     whether the shape decides the match and the result without evaluation
 */
public record FilterShape(String typeNs, String type, String eqKey, String eqValue, boolean exact) {

    private static final String NCNAME = "[A-Za-z_][A-Za-z0-9_.\\-]*";
    private static final Pattern DECLARE = Pattern.compile("^declare\\s+namespace\\s+(" + NCNAME + ")\\s*=\\s*(\"[^\"&]*\"|'[^'&]*')\\s*;");
    private static final Pattern LET = Pattern.compile("^let\\s+\\$(" + NCNAME + ")\\s*:=\\s*\\.?/(" + NCNAME + "):Event\\s+return\\s+\\$(" + NCNAME + ")/");
    private static final Pattern START = Pattern.compile("^\\.?/(" + NCNAME + "):Event/");
    private static final Pattern QNAME = Pattern.compile("^(" + NCNAME + "):(" + NCNAME + ")");
    private static final Pattern STEP = Pattern.compile("^/(?:(" + NCNAME + "):(" + NCNAME + ")|@(" + NCNAME + ")|text\\(\\)|string\\(\\)|data\\(\\)|node\\(\\))");
    private static final Pattern COMPARISON = Pattern.compile("^(=|!=|<=|>=|<|>|eq|ne|lt|le|gt|ge)\\s*(\"[^\"&]*\"|'[^'&]*'|-?[0-9]+(\\.[0-9]+)?)$");
    private static final Pattern EQUALITY = Pattern.compile("^(?:(" + NCNAME + "):(" + NCNAME + ")|@(" + NCNAME + "))\\s*=\\s*(\"[^\"&]*\"|'[^'&]*')$");
    private static final Pattern EQUALITY_REVERSED = Pattern.compile("^(\"[^\"&]*\"|'[^'&]*')\\s*=\\s*(?:(" + NCNAME + "):(" + NCNAME + ")|@(" + NCNAME + "))$");

    /** The shape of a query, or null when it may match events of any type (or is not understood). */
    public static FilterShape analyze(String query) {
        if (query.contains("(:")) {
            return null;   // comments could hide anything from this little parser
        }
        Map<String, String> ns = new HashMap<>();
        String rest = query.strip();
        while (rest.startsWith("declare")) {
            Matcher m = DECLARE.matcher(rest);
            if (!m.find()) {
                return null;
            }
            ns.put(m.group(1), unquote(m.group(2)));
            rest = rest.substring(m.end()).strip();
        }
        String prefix;
        Matcher let = LET.matcher(rest);
        Matcher start = START.matcher(rest);
        if (let.find()) {
            if (!let.group(1).equals(let.group(3))) {
                return null;
            }
            prefix = let.group(2);
            rest = rest.substring(let.end());
        } else if (start.find()) {
            prefix = start.group(1);
            rest = rest.substring(start.end());
        } else {
            return null;
        }
        Matcher t = QNAME.matcher(rest);
        if (!t.find() || !ns.containsKey(prefix) || !ns.containsKey(t.group(1))) {
            return null;
        }
        String typeNs = ns.get(t.group(1));
        if (!typeNs.equals(ns.get(prefix))) {
            return null;   // an Event in another namespace than its payload never matches; leave it to Saxon
        }
        String type = t.group(2);
        rest = rest.substring(t.end());

        List<String> predicates = new ArrayList<>();
        while (rest.startsWith("[")) {
            int close = closing(rest);
            if (close < 0) {
                return null;
            }
            predicates.add(rest.substring(1, close).strip());
            rest = rest.substring(close + 1);
        }
        boolean tail = false;
        while (!rest.isBlank()) {
            tail = true;
            String r = rest.stripLeading();
            Matcher step = STEP.matcher(r);
            if (r.startsWith("[")) {
                int close = closing(r);
                if (close < 0) {
                    return null;
                }
                rest = r.substring(close + 1);
            } else if (step.find()) {
                if (step.group(1) != null && !ns.containsKey(step.group(1))) {
                    return null;
                }
                rest = r.substring(step.end());
            } else if (COMPARISON.matcher(r.strip()).matches()) {
                rest = "";
            } else {
                return null;
            }
        }
        String eqKey = null;
        String eqValue = null;
        boolean single = false;
        if (!predicates.isEmpty()) {
            List<String> conjuncts = splitAnd(predicates.get(0));
            single = conjuncts.size() == 1;
            for (String c : conjuncts) {
                Matcher e = EQUALITY.matcher(c);
                Matcher r = EQUALITY_REVERSED.matcher(c);
                if (e.matches()) {
                    eqKey = key(ns, e.group(1), e.group(2), e.group(3));
                    eqValue = unquote(e.group(4));
                } else if (r.matches()) {
                    eqKey = key(ns, r.group(2), r.group(3), r.group(4));
                    eqValue = unquote(r.group(1));
                }
                if (eqKey != null) {
                    break;
                }
                if (eqValue != null) {
                    return null;
                }
            }
            if (eqKey == null) {
                eqValue = null;
                single = false;
            }
        }
        boolean exact = eqKey != null && single && predicates.size() == 1 && !tail;
        return new FilterShape(typeNs, type, eqKey, eqValue, exact);
    }

    private static String key(Map<String, String> ns, String prefix, String local, String attribute) {
        if (attribute != null) {
            return "@" + attribute;
        }
        String uri = ns.get(prefix);
        return uri == null ? null : "{" + uri + "}" + local;
    }

    /** The index of the bracket closing the one at 0, skipping strings and nested brackets; -1 if none. */
    private static int closing(String s) {
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** Splits at top-level {@code and} (outside strings, brackets and parentheses). */
    private static List<String> splitAnd(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        char quote = 0;
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '[' || c == '(') {
                depth++;
            } else if (c == ']' || c == ')') {
                depth--;
            } else if (depth == 0 && s.startsWith(" and ", i)) {
                out.add(s.substring(from, i).strip());
                from = i + 5;
                i += 4;
            }
        }
        out.add(s.substring(from).strip());
        return out;
    }

    private static String unquote(String literal) {
        return literal.substring(1, literal.length() - 1);
    }
}
