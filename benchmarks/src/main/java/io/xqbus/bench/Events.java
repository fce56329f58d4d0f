package io.xqbus.bench;

/** Event documents for the benchmarks. */
final class Events {

    private Events() {
    }

    /** A PhoneStatus event of about 300 bytes, different per index. */
    static String phoneStatus(int i) {
        return "<Event xmlns=\"http://www.gonicus.de/Events\" source=\"bench\"><PhoneStatus><CallerId>" + (100000 + i)
                + "</CallerId><ReceiverId>12343424</ReceiverId><Status>" + (i % 3 == 0 ? "busy" : i % 3 == 1 ? "idle" : "ringing")
                + "</Status></PhoneStatus></Event>";
    }
}
