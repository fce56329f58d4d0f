package io.xqbus;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.NoSuchElementException;

/**
 * Splits a stream holding several event documents one after another (brief §7: whitespace between them,
 * each optionally with its own XML declaration) into one byte array per document, as they arrive — so a
 * producer can send each event while the rest is still being written. It only finds the boundaries (by
 * tracking tags, comments, CDATA and quoted attribute values); each document is then parsed for real, so
 * a broken one is reported by the parser with its position ({@link Document#firstLine()} turns a
 * document-relative location into a stream one). A document larger than the limit is skipped without
 * being kept in memory and reported as {@linkplain Document#oversize() oversize}; a reader made to
 * {@linkplain #EventStreamReader(InputStream, long, boolean) end at an oversize document} reports it as soon
 * as it passes the limit and ends there, for pipes that may never close a document ({@code yes | …}). A stream that starts
 * with a UTF-16 byte order mark is taken as one document. Not thread-safe.
 *
 * <pre>{@code
 * try (EventStreamReader events = new EventStreamReader(System.in, Limits.DEFAULT_MAX_EVENT_BYTES)) {
 *     while (events.hasNext()) {
 *         EventStreamReader.Document d = events.next();
 *         bus.publish(d.body(), "<stdin> event " + d.index());
 *     }
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class EventStreamReader implements AutoCloseable {

    /**
     * One document of the stream.
     *
     * @param index       its position in the stream, from 1
     * @param firstLine   the line of the stream it starts on, from 1
     * @param firstColumn the column it starts at, from 1
     * @param body        its bytes (empty when oversize)
     * @param size        its size in bytes
     * @param oversize    whether it exceeded the limit (its bytes were not kept)
     */
    public record Document(int index, int firstLine, int firstColumn, byte[] body, long size, boolean oversize) {

        /** A location inside this document, as a location in the whole stream. */
        public Location inStream(Location inDocument, String source) {
            int line = inDocument.line();
            int column = inDocument.column();
            if (line > 0) {
                column = line == 1 && column > 0 ? column + firstColumn - 1 : column;
                line = line + firstLine - 1;
            } else {
                line = firstLine;
                column = firstColumn;
            }
            return new Location(source, line, column, inDocument.elementPath());
        }
    }

    private final InputStream in;
    private final long maxBytes;
    private int line = 1;
    private int column = 1;
    private int index;
    private int pushedBack = -2;
    private Document next;
    private boolean done;
    private boolean first = true;
    private final boolean endAtOversize;

    /**
     * @param in       the stream (closed by {@link #close()})
     * @param maxBytes the largest document kept; larger ones are skipped to their end and reported as oversize
     */
    public EventStreamReader(InputStream in, long maxBytes) {
        this(in, maxBytes, false);
    }

    /**
     * @param in            the stream (closed by {@link #close()})
     * @param maxBytes      the largest document kept
     * @param endAtOversize whether a document passing the limit is reported oversize at once and ends the
     *                      stream (nothing is read after it), instead of being skipped to its end
     */
    public EventStreamReader(InputStream in, long maxBytes, boolean endAtOversize) {
        this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 65536);
        this.maxBytes = maxBytes;
        this.endAtOversize = endAtOversize;
    }

    /**
     * Whether another document follows; blocks until one is complete or the stream ends.
     *
     * @throws IOException when the stream fails
     */
    public boolean hasNext() throws IOException {
        if (next == null && !done) {
            try {
                next = readDocument();
            } catch (Oversize o) {
                next = o.document;   // the stream ends with it
                done = true;
            }
            if (next == null) {
                done = true;
            }
        }
        return next != null;
    }

    /** The next document. */
    public Document next() throws IOException {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Document d = next;
        next = null;
        return d;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private int read() throws IOException {
        int b;
        if (pushedBack != -2) {
            b = pushedBack;
            pushedBack = -2;
        } else {
            b = in.read();
        }
        return b;
    }

    /** Ends the stream at a document that passed the limit (only when {@link #endAtOversize}). */
    private static final class Oversize extends IOException {
        private static final long serialVersionUID = 1L;
        final transient Document document;

        Oversize(Document document) {
            super("the document passed the size limit");
            this.document = document;
        }
    }

    private final class Sink {
        final int startLine;
        final int startColumn;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        long size;
        boolean sawElement;
        boolean sawOtherThanComments;

        Sink(int startLine, int startColumn) {
            this.startLine = startLine;
            this.startColumn = startColumn;
        }

        void add(int b) throws Oversize {
            size++;
            if (size <= maxBytes) {
                bytes.write(b);
            } else if (endAtOversize) {
                throw new Oversize(new Document(++index, startLine, startColumn, new byte[0], size, true));
            } else if (bytes.size() > 0) {
                bytes.reset();
            }
            if (b == '\n') {
                line++;
                column = 1;
            } else if ((b & 0xC0) != 0x80) {
                column++;
            }
        }
    }

    private Document readDocument() throws IOException {
        int b;
        // skip whitespace between documents
        while (true) {
            b = read();
            if (b < 0) {
                return null;
            }
            if (first && (b == 0xFE || b == 0xFF)) {
                return wholeStream(b);
            }
            first = false;
            if (b == ' ' || b == '\t' || b == '\r') {
                column++;
            } else if (b == '\n') {
                line++;
                column = 1;
            } else {
                break;
            }
        }
        int startLine = line;
        int startColumn = column;
        Sink s = new Sink(startLine, startColumn);
        int depth = 0;
        boolean rootClosed = false;
        while (b >= 0) {
            s.add(b);
            if (b == '<') {
                int c = read();
                if (c < 0) {
                    break;
                }
                s.add(c);
                if (c == '?') {
                    s.sawOtherThanComments = true;
                    copyUntil(s, "?>");
                } else if (c == '!') {
                    int d = read();
                    if (d < 0) {
                        break;
                    }
                    s.add(d);
                    if (d == '-') {
                        copyUntil(s, "-->");
                    } else if (d == '[') {
                        s.sawOtherThanComments = true;
                        copyUntil(s, "]]>");
                    } else {
                        s.sawOtherThanComments = true;
                        copyDeclaration(s);
                    }
                } else if (c == '/') {
                    s.sawOtherThanComments = true;   // a stray end tag is content (not well-formed), never skipped
                    copyTag(s);
                    depth--;
                    if (depth <= 0) {
                        rootClosed = true;
                    }
                } else {
                    s.sawElement = true;
                    s.sawOtherThanComments = true;
                    boolean selfClosing = copyTag(s);
                    if (!selfClosing) {
                        depth++;
                    } else if (depth == 0) {
                        rootClosed = true;
                    }
                }
                if (rootClosed) {
                    break;
                }
            } else if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                s.sawOtherThanComments = true;
            }
            b = read();
        }
        if (!s.sawElement && !s.sawOtherThanComments) {
            return null;   // trailing comments only: the stream ended (no recursion: a stream of stray end tags overflowed the stack)
        }
        index++;
        boolean oversize = s.size > maxBytes;
        return new Document(index, startLine, startColumn, oversize ? new byte[0] : s.bytes.toByteArray(), s.size, oversize);
    }

    private Document wholeStream(int firstByte) throws IOException {
        Sink s = new Sink(1, 1);
        s.add(firstByte);
        for (int b = read(); b >= 0; b = read()) {
            s.add(b);
        }
        index++;
        boolean oversize = s.size > maxBytes;
        return new Document(index, 1, 1, oversize ? new byte[0] : s.bytes.toByteArray(), s.size, oversize);
    }

    /** Copies bytes up to and including the terminator (or to the end of the stream). */
    private void copyUntil(Sink s, String terminator) throws IOException {
        int matched = 0;
        for (int b = read(); b >= 0; b = read()) {
            s.add(b);
            if (b == terminator.charAt(matched)) {
                matched++;
                if (matched == terminator.length()) {
                    return;
                }
            } else {
                matched = b == terminator.charAt(0) ? 1 : 0;
            }
        }
    }

    /** Copies a {@code <!DOCTYPE …>} declaration, internal subset and quoted strings included. */
    private void copyDeclaration(Sink s) throws IOException {
        int brackets = 0;
        int quote = 0;
        for (int b = read(); b >= 0; b = read()) {
            s.add(b);
            if (quote != 0) {
                if (b == quote) {
                    quote = 0;
                }
            } else if (b == '"' || b == '\'') {
                quote = b;
            } else if (b == '[') {
                brackets++;
            } else if (b == ']') {
                brackets--;
            } else if (b == '>' && brackets <= 0) {
                return;
            }
        }
    }

    /** Copies the rest of a start or end tag; returns whether it was self-closing. */
    private boolean copyTag(Sink s) throws IOException {
        int quote = 0;
        int previous = 0;
        for (int b = read(); b >= 0; b = read()) {
            s.add(b);
            if (quote != 0) {
                if (b == quote) {
                    quote = 0;
                }
            } else if (b == '"' || b == '\'') {
                quote = b;
            } else if (b == '>') {
                return previous == '/';
            } else if (b == '<') {
                // not well-formed; let the parser say where
                pushedBack = -2;
                return false;
            }
            previous = b;
        }
        return false;
    }
}
