#!/usr/bin/python3
"""Receive events from an AMQP 1.0 broker with Apache Qpid Proton (a foreign, non-JMS client).

usage: receive_events.py [--topic | --queue] [--properties] [--credit N]
                         BROKER_URL ADDRESS COUNT TIMEOUT_SECONDS

BROKER_URL   amqp://host:5672 (or amqp://user:password@host:5672). Without credentials in the URL,
             XQBUS_USER / XQBUS_PASSWORD from the environment are used; with neither, SASL ANONYMOUS.
ADDRESS      the source address, e.g. /topic/xqbus.events.# (RabbitMQ 3.10) or xqbus.events.# with
             --topic (Artemis: the "topic" source capability makes it a multicast subscription).
COUNT        messages to receive (0: attach, then exit).
TIMEOUT      seconds for the whole run, connect included.

Prints each body on stdout as one line of text (a string value as it is, a Data section or binary
value decoded as UTF-8 with replacement; trailing line breaks dropped, each other line break, CRLF,
CR or LF, becomes one space),
flushing after each. Each message is accepted after it is printed. With --properties, each message's
application properties go to stderr as "properties: {...}" before the body is printed.
On stderr, "receive_events.py: attached to ADDRESS" tells that the link is open (a test can wait for
it before publishing to a topic).

Exit status: 0 when COUNT messages were received, 3 on timeout (the ones received are printed),
1 on a connection or link error, 2 usage. Needs python3-qpid-proton: run with /usr/bin/python3.
"""
import argparse
import os
import re
import sys
import time

try:
    from proton import Data, Timeout
    from proton.reactor import ReceiverOption
    from proton.utils import BlockingConnection
except ImportError:  # pragma: no cover
    sys.stderr.write("receive_events.py: python3-qpid-proton is missing (apt-get install python3-qpid-proton; "
                     "run with /usr/bin/python3)\n")
    sys.exit(1)

EXIT_TIMEOUT = 3


class SourceCapabilities(ReceiverOption):
    """Sets the source terminus capabilities, e.g. ["topic"] (what qpid-jms sends for a Topic)."""

    def __init__(self, *capabilities):
        self.capabilities = capabilities

    def apply(self, receiver):
        caps = receiver.source.capabilities
        caps.put_array(False, Data.SYMBOL)
        caps.enter()
        for c in self.capabilities:
            caps.put_symbol(c)
        caps.exit()


def one_line(body):
    if body is None:
        text = ""
    elif isinstance(body, str):
        text = body
    elif isinstance(body, (bytes, bytearray, memoryview)):
        text = bytes(body).decode("utf-8", errors="replace")
    else:
        text = repr(body)
    return re.sub(r"\r\n|\r|\n", " ", text.rstrip("\r\n"))


def main(argv=None):
    ap = argparse.ArgumentParser(prog="receive_events.py", description="Receive events over AMQP 1.0 (Proton).")
    ap.add_argument("url", help="broker URL, e.g. amqp://127.0.0.1:5672")
    ap.add_argument("address", help="source address, e.g. /topic/xqbus.events.#")
    ap.add_argument("count", type=int, help="number of messages to receive")
    ap.add_argument("timeout", type=float, help="seconds for the whole run")
    cap = ap.add_mutually_exclusive_group()
    cap.add_argument("--topic", action="store_true", help='source capability "topic" (multicast on Artemis)')
    cap.add_argument("--queue", action="store_true", help='source capability "queue"')
    ap.add_argument("--properties", action="store_true", help="print application properties to stderr")
    ap.add_argument("--credit", type=int, default=0, help="link credit / prefetch (default: min(COUNT, 100))")
    args = ap.parse_args(argv)
    if args.count < 0 or args.timeout <= 0:
        ap.error("COUNT must be >= 0 and TIMEOUT > 0")

    deadline = time.monotonic() + args.timeout
    kwargs = {}
    if "@" not in args.url.split("//", 1)[-1] and os.environ.get("XQBUS_USER"):
        kwargs["user"] = os.environ["XQBUS_USER"]
        kwargs["password"] = os.environ.get("XQBUS_PASSWORD", "")
    if "@" in args.url.split("//", 1)[-1] or kwargs:
        # Proton's built-in SASL picks ANONYMOUS when the server offers it (RabbitMQ does), even with
        # credentials: insist on PLAIN so that the user and password are really used.
        kwargs["allowed_mechs"] = "PLAIN"
    options = []
    if args.topic:
        options.append(SourceCapabilities("topic"))
    elif args.queue:
        options.append(SourceCapabilities("queue"))

    received = 0
    conn = None
    try:
        conn = BlockingConnection(args.url, timeout=max(0.1, deadline - time.monotonic()), **kwargs)
    except Exception as e:  # refused, authentication failed (RabbitMQ may just close: then a Timeout), ...
        sys.stderr.write("receive_events.py: cannot connect to %s: %s: %s\n" % (args.url, type(e).__name__, e))
        return 1
    try:
        credit = args.credit if args.credit > 0 else max(1, min(args.count, 100))
        try:
            receiver = conn.create_receiver(args.address, credit=credit, options=options or None)
        except Exception as e:  # a refused attach (RabbitMQ 3.10 often just ends the session: then a Timeout)
            sys.stderr.write("receive_events.py: cannot attach to %s: %s: %s\n" % (args.address, type(e).__name__, e))
            return 1
        sys.stderr.write("receive_events.py: attached to %s\n" % args.address)
        sys.stderr.flush()
        while received < args.count:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Timeout("deadline")
            msg = receiver.receive(timeout=left)
            if args.properties:
                sys.stderr.write("properties: %r\n" % (msg.properties,))
                sys.stderr.flush()
            sys.stdout.write(one_line(msg.body) + "\n")
            sys.stdout.flush()
            receiver.accept()
            received += 1
    except Timeout:
        sys.stderr.write("receive_events.py: timeout after %gs: received %d of %d\n"
                         % (args.timeout, received, args.count))
        return EXIT_TIMEOUT
    except Exception as e:  # ConnectionException, LinkException, ...
        sys.stderr.write("receive_events.py: receiving from %s at %s failed: %s: %s\n"
                         % (args.address, args.url, type(e).__name__, e))
        return 1
    finally:
        if conn is not None:
            try:
                conn.close()
            except Exception:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
