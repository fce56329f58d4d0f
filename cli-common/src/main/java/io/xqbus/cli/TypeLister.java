package io.xqbus.cli;

import java.io.PrintWriter;

import io.xqbus.EventType;
import io.xqbus.SchemaSet;

/** Prints the event types of a schema set with their fields and documentation, for people discovering what to send. */
public final class TypeLister {

    private TypeLister() {
    }

    /** Prints every type, or only the one named {@code only} (null for all). */
    public static void print(SchemaSet schemas, String only, PrintWriter out) {
        for (EventType t : schemas.eventTypes()) {
            if (only != null && !t.name().equals(only)) {
                continue;
            }
            out.println(t.name() + "  {" + t.namespace() + "}  (" + t.file()
                    + (t.replaces() == null ? "" : ", replaces " + t.replaces()) + ")");
            if (t.documentation() != null) {
                out.println("    " + t.documentation());
            }
            for (EventType.Field f : t.fields()) {
                String occurs = (f.choice() > 0 ? "one of choice " + f.choice() : "0".equals(f.minOccurs()) ? "optional" : "required")
                        + ("1".equals(f.maxOccurs()) ? "" : ", up to " + f.maxOccurs());
                out.printf("    %-22s %-20s %-22s %s%n", (f.attribute() ? "@" : "") + f.name(), f.type(), occurs,
                        f.documentation() == null ? "" : f.documentation());
            }
        }
        out.flush();
    }
}
