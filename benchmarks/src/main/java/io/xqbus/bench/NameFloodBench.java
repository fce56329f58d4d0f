package io.xqbus.bench;

import java.util.List;

import io.xqbus.Filter;
import io.xqbus.FilterSet;
import io.xqbus.InvalidEventException;
import io.xqbus.SchemaSet;

/**
 * A producer's flood of new names and namespace URIs against one consumer process (issue 23, items 4–6):
 * events as wide in new names and URIs as the admission lets one event be, until the process's budget is
 * spent and beyond, with an ordinary event of a predefined type after every 100 flood events. Prints, every
 * 200 flood events, how many were accepted and refused, the heap used after a full GC, and whether the
 * ordinary events still matched. Run: {@code bin/xqbus-bench name-flood [EVENTS]}.
 */
public final class NameFloodBench {

    private NameFloodBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_500;
        SchemaSet.predefined();   // as a consumer does when it connects: the schemas' names are admitted
        try (FilterSet set = FilterSet.of(List.of(Filter.compile("phone",
                "declare namespace f='" + Events.GONICUS_NS + "'; /f:Event/f:PhoneStatus[f:Status = 'busy']")))) {
            long baseline = FilterMemoryBench.usedAfterGc();
            int accepted = 0;
            int refused = 0;
            int goodMatched = 0;
            int goodSent = 0;
            long start = System.nanoTime();
            for (int e = 1; e <= n; e++) {
                // 16 new URIs (nearly 1,000 characters each, the parser's longest) and new names to the per-event bound
                StringBuilder b = new StringBuilder("<Event xmlns='urn:flood'><Flood>");
                for (int u = 0; u < 16; u++) {
                    b.append("<x xmlns='urn:flood:").append(e).append(':').append(u).append(':').append("u".repeat(960)).append("'/>");
                }
                for (int i = 0; i < 1_000; i++) {
                    b.append("<N").append(e).append('_').append(i).append("/>");
                }
                try {
                    set.match(b.append("</Flood></Event>").toString());
                    accepted++;
                } catch (InvalidEventException x) {
                    refused++;
                }
                if (e % 100 == 0) {
                    goodSent++;
                    goodMatched += set.match(Events.phoneStatus(3 * e)).size();   // a busy phone
                }
                if (e % 200 == 0 || e == n) {
                    System.out.printf("name-flood: %,d events: %,d accepted, %,d refused; heap %+,d MB after a full GC; ordinary events matched %d of %d%n",
                            e, accepted, refused, (FilterMemoryBench.usedAfterGc() - baseline) >> 20, goodMatched, goodSent);
                }
            }
            System.out.printf("name-flood: %,d ms in all%n", (System.nanoTime() - start) / 1_000_000);
        }
    }
}
