package io.xqbus.bench;

/** Event documents for the benchmarks. */
final class Events {

    static final String BENCH_NS = "urn:xqbus:bench";
    static final String GONICUS_NS = "http://www.gonicus.de/Events";
    static final String PAYLOAD_FILL = "0123456789abcdef0123456789abcdef0123456789";

    private Events() {
    }

    /** A PhoneStatus event of about 180 bytes, different per index. */
    static String phoneStatus(int i) {
        return "<Event xmlns=\"" + GONICUS_NS + "\" source=\"bench\"><PhoneStatus>" + phoneStatusFields(i) + "</PhoneStatus></Event>";
    }

    /** The payload of {@link #phoneStatus(int)} as the bus serialises it: declaring its own namespace. */
    static String phoneStatusPayload(int i) {
        return "<PhoneStatus xmlns=\"" + GONICUS_NS + "\">" + phoneStatusFields(i) + "</PhoneStatus>";
    }

    private static String phoneStatusFields(int i) {
        return "<CallerId>" + (100000 + i) + "</CallerId><ReceiverId>12343424</ReceiverId><Status>"
                + (i % 3 == 0 ? "busy" : i % 3 == 1 ? "idle" : "ringing") + "</Status>";
    }

    /**
     * An event of about 1 KB of type {@code T<type>} (for the filter engine) with fields {@code Sensor},
     * {@code Site}, {@code Kind} whose values come from small domains, so equality filters match sometimes.
     */
    /** How many distinct {@code source} attributes {@link #typed} events carry. */
    static final int SOURCES = 13;

    static String typed(int i, int types) {
        String t = "T" + (i % types);
        StringBuilder b = new StringBuilder(1100).append("<Event xmlns=\"").append(BENCH_NS).append("\" source=\"bench").append(i % SOURCES).append("\"><").append(t).append('>');
        b.append("<Sensor>s").append(i % 50).append("</Sensor><Site>site").append(i % 7).append("</Site><Kind>k").append(i % 11).append("</Kind>");
        for (int f = 0; f < 18; f++) {
            b.append("<F").append(f).append('>').append(PAYLOAD_FILL).append("</F").append(f).append('>');
        }
        return b.append("</").append(t).append("></Event>").toString();
    }

    /** A valid {@code Reading} event of about 1 KB (for end to end, validated against bench/Reading.xsd). */
    static String reading(int i, long sentNanos) {
        StringBuilder b = new StringBuilder(1100).append("<Reading xmlns=\"").append(BENCH_NS).append("\">");
        b.append("<Sensor>s").append(i % 10).append("</Sensor><Site>site").append(i % 7).append("</Site><Kind>k").append(i % 11)
                .append("</Kind><Sent>").append(sentNanos).append("</Sent>");
        for (int f = 0; f < 16; f++) {
            b.append("<F>").append(PAYLOAD_FILL).append(PAYLOAD_FILL, 0, 10).append("</F>");
        }
        return b.append("</Reading>").toString();
    }
}
