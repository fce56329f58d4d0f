package io.xqbus;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.xml.namespace.QName;

import io.xqbus.internal.typed.JaxbBinding;

/** The {@link OnEvent} methods of one object, as filters (ordered by priority) and a dispatcher. */
final class Handlers {

    private record Handler(Method method, Object target, Filter filter, JaxbBinding<?> binding, int priority, int order) {
    }

    private final List<Handler> handlers;
    private final Map<String, Handler> byName = new HashMap<>();

    private Handlers(List<Handler> handlers) {
        this.handlers = handlers;
        handlers.forEach(h -> byName.put(h.filter().name(), h));
    }

    static Handlers of(Object target) throws FilterCompileException {
        List<Handler> found = new ArrayList<>();
        Map<String, Method> byFilterName = new HashMap<>();
        java.util.Set<String> overridden = new java.util.HashSet<>();
        int order = 0;
        for (Class<?> c = target.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                OnEvent on = m.getAnnotation(OnEvent.class);
                if (on == null) {
                    continue;
                }
                String signature = m.getName() + java.util.Arrays.toString(m.getParameterTypes());
                if (!java.lang.reflect.Modifier.isPrivate(m.getModifiers()) && !overridden.add(signature)) {
                    continue;   // a subclass's @OnEvent override of it is registered: invoking this would run the override again
                }
                String name = on.name().isEmpty() ? m.getName() : on.name();
                Method other = byFilterName.putIfAbsent(name, m);
                if (other != null) {
                    // matches are dispatched by filter name: the second would take the first one's events and counters
                    throw new IllegalArgumentException("two @OnEvent handlers are named '" + name + "': " + where(other) + " and "
                            + where(m) + "; give one of them @OnEvent(name = …)");
                }
                JaxbBinding<?> binding = on.type() == void.class ? null : JaxbBinding.of(on.type());
                check(m, on.type());
                String query = on.query();
                if (query.isEmpty()) {
                    if (binding == null) {
                        throw new IllegalArgumentException(where(m) + ": @OnEvent needs a query, a type, or both");
                    }
                    QName e = binding.element();
                    query = "declare namespace t = '" + e.getNamespaceURI().replace("'", "''") + "'; /*/t:" + e.getLocalPart();
                }
                m.setAccessible(true);
                found.add(new Handler(m, target, Filter.compile(name, query), binding, on.priority(), order++));
            }
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException(target.getClass().getName() + " has no method annotated @OnEvent");
        }
        found.sort(Comparator.comparingInt(Handler::priority).reversed().thenComparingInt(Handler::order));
        return new Handlers(found);
    }

    private static void check(Method m, Class<?> type) {
        Class<?>[] p = m.getParameterTypes();
        boolean ok = p.length == 1 && (p[0] == Match.class || p[0] == Event.class || type != void.class && p[0].isAssignableFrom(type))
                || p.length == 2 && type != void.class && p[0].isAssignableFrom(type) && p[1] == Event.class;
        if (!ok) {
            throw new IllegalArgumentException(where(m) + ": an @OnEvent method takes (Match), (Event), (T) or (T, Event), T being its type");
        }
    }

    private static String where(Method m) {
        return m.getDeclaringClass().getName() + "." + m.getName();
    }

    List<Filter> filters() {
        return handlers.stream().map(Handler::filter).toList();
    }

    void dispatch(Match match) throws Exception {
        Handler h = byName.get(match.filter());
        Event e = match.event();
        Object typed = null;
        if (h.binding() != null) {
            QName element = h.binding().element();
            if (!e.type().equals(element.getLocalPart()) || !e.namespace().equals(element.getNamespaceURI())) {
                return;   // the query matched an event of another type
            }
            typed = h.binding().unmarshal(e.payload().toString());
        }
        Class<?>[] p = h.method().getParameterTypes();
        Object[] args = p.length == 2 ? new Object[] {typed, e}
                : p[0] == Match.class ? new Object[] {match} : p[0] == Event.class ? new Object[] {e} : new Object[] {typed};
        try {
            h.method().invoke(h.target(), args);
        } catch (InvocationTargetException ex) {
            Throwable cause = ex.getCause();
            throw cause instanceof Exception x ? x : new IllegalStateException(cause);
        }
    }
}
