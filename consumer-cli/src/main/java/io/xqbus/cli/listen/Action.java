package io.xqbus.cli.listen;

import io.xqbus.Match;

/**
 * What the daemon does with a match: print it, append it to a file, or run a command. An action that throws
 * has failed; a group subscription retries it and then dead-letters the event.
 */
interface Action {

    void run(Match match) throws Exception;

    /** A short description for logs and the status line. */
    String describe();
}
