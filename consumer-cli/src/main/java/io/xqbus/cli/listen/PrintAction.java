package io.xqbus.cli.listen;

import io.xqbus.Match;

/** Prints the match on stdout, one line, flushed at once (so it pipes well). */
final class PrintAction implements Action {

    private final MatchPrinter printer;
    private final Handover handover;

    PrintAction(MatchPrinter printer) {
        this(printer, Handover.DEFAULT);
    }

    PrintAction(MatchPrinter printer, Handover handover) {
        this.printer = printer;
        this.handover = handover;
    }

    @Override
    public void run(Match match) {
        printer.printAndFlush(match, handover);
    }

    @Override
    public String describe() {
        return "print";
    }
}
