package io.xqbus.cli.listen;

/** How {@code listenevents} prints a match. */
enum OutputFormat {
    /** The query result serialised on one line. */
    xml,
    /** One JSON object per match: envelope fields, filter name, result. */
    ndjson
}
