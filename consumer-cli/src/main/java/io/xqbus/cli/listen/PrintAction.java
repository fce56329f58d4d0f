package io.xqbus.cli.listen;

import io.xqbus.Match;

/** Prints the match on stdout, one line, flushed at once (so it pipes well). */
final class PrintAction implements Action {

    private final MatchPrinter printer;

    PrintAction(MatchPrinter printer) {
        this.printer = printer;
    }

    @Override
    public void run(Match match) {
        printer.printAndFlush(match);
    }

    @Override
    public String describe() {
        return "print";
    }
}
