package io.xqbus.cli.listen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.xqbus.Match;

/** Appends the match, formatted as on stdout, to a file (created if needed); a failed write fails the action. */
final class AppendAction implements Action {

    private final Path file;
    private final MatchPrinter printer;
    private final Handover handover;

    AppendAction(Path file, MatchPrinter printer) {
        this(file, printer, Handover.DEFAULT);
    }

    AppendAction(Path file, MatchPrinter printer, Handover handover) {
        this.file = file;
        this.printer = printer;
        this.handover = handover;
    }

    @Override
    public void run(Match match) throws IOException {
        String line = printer.format(match, handover) + System.lineSeparator();
        synchronized (this) {
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
        }
    }

    @Override
    public String describe() {
        return "append " + file;
    }
}
