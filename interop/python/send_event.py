#!/usr/bin/python3
"""Send one XML event to an AMQP 1.0 broker with Apache Qpid Proton (a foreign, non-JMS client).

usage: send_event.py [--binary] [--no-properties] [--property NAME=VALUE]... [--typed-property NAME=TYPE:VALUE]...
                     [--content-type TYPE] [--timeout SECONDS] BROKER_URL ADDRESS BODY_FILE|-

BROKER_URL   amqp://host:5672 (or amqp://user:password@host:5672). Without credentials in the URL,
             XQBUS_USER / XQBUS_PASSWORD from the environment are used; with neither, SASL ANONYMOUS.
ADDRESS      the target address, e.g. xqbus.events.PhoneStatus (Artemis) or
             /topic/xqbus.events.PhoneStatus (RabbitMQ 3.10: amq.topic, routing key after /topic/).
BODY_FILE    a file with the event document, or '-' for standard input.

By default the body travels as an AMQP string value (what qpid-jms makes a TextMessage); --binary
sends the file's bytes unchanged as a Data section (a BytesMessage for qpid-jms). No content-type is
set unless --content-type is given (note: qpid-jms turns a Data section whose content-type is textual,
e.g. application/xml or text/*, into a TextMessage).

Unless --no-properties: the application properties xqbus_type and xqbus_ns (the payload element: the
root's one child when the root is an Event, else the root) and, when the root is an Event carrying
them, xqbus_id, xqbus_source, xqbus_producer (strings) and xqbus_seq (long) are set from a simple
parse of the document. A body that does not parse is sent anyway, without those properties.

--property sets a string application property; --typed-property one of the AMQP type TYPE: int (32
bits), long, double, boolean (true/false) or string. A filter that declares an external variable of
that name sees the value with that type (xs:integer, xs:double, xs:boolean, xs:string).

The message is durable (persistent). Exit status: 0 sent and accepted, 1 failure, 2 usage.
Needs python3-qpid-proton (Debian): run with /usr/bin/python3.
"""
import argparse
import os
import re
import sys
import xml.etree.ElementTree as ET

try:
    from proton import Message, int32
    from proton.utils import BlockingConnection
except ImportError:  # pragma: no cover
    sys.stderr.write("send_event.py: python3-qpid-proton is missing (apt-get install python3-qpid-proton; "
                     "run with /usr/bin/python3)\n")
    sys.exit(1)


def split_name(tag):
    """'{ns}local' -> (ns, local); 'local' -> ('', local)."""
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


def event_properties(body):
    """Application properties derived from the document, or None when it does not parse."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as e:
        sys.stderr.write("send_event.py: body is not well-formed XML (%s): sending without xqbus_* properties\n" % e)
        return None
    ns, local = split_name(root.tag)
    props = {}
    payload = root
    children = list(root)
    if local == "Event" and len(children) >= 1:
        payload = children[0]
        for attr, prop in (("id", "xqbus_id"), ("source", "xqbus_source"), ("producer", "xqbus_producer")):
            if root.get(attr) is not None:
                props[prop] = root.get(attr)
        seq = root.get("seq")
        if seq is not None:
            try:
                props["xqbus_seq"] = int(seq)  # a Python int is encoded as an AMQP long
            except ValueError:
                props["xqbus_seq"] = seq
    pns, plocal = split_name(payload.tag)
    props["xqbus_type"] = plocal
    props["xqbus_ns"] = pns
    return props


def decode_text(body):
    """The document as text for an AMQP string value: BOM, else the XML declaration's encoding, else UTF-8."""
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8")
    for bom, enc in ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if body.startswith(bom):
            return body.decode(enc)
    m = re.match(rb'<\?xml[^>]*encoding\s*=\s*["\']([A-Za-z0-9._-]+)["\']', body)
    return body.decode(m.group(1).decode("ascii") if m else "utf-8")


def main(argv=None):
    ap = argparse.ArgumentParser(prog="send_event.py", description="Send one XML event over AMQP 1.0 (Proton).")
    ap.add_argument("url", help="broker URL, e.g. amqp://127.0.0.1:5672")
    ap.add_argument("address", help="target address, e.g. /topic/xqbus.events.PhoneStatus")
    ap.add_argument("body", help="file with the event document, or - for stdin")
    ap.add_argument("--binary", action="store_true", help="send the bytes as a Data section instead of a string value")
    ap.add_argument("--no-properties", action="store_true", help="set no xqbus_* application properties")
    ap.add_argument("--property", action="append", default=[], metavar="NAME=VALUE",
                    help="an extra string application property (repeatable)")
    ap.add_argument("--typed-property", action="append", default=[], metavar="NAME=TYPE:VALUE",
                    help="an extra application property of AMQP type int, long, double, boolean or string (repeatable)")
    ap.add_argument("--content-type", help="set the message's content-type (none by default)")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for connect/attach/settle (10)")
    args = ap.parse_args(argv)

    try:
        if args.body == "-":
            body = sys.stdin.buffer.read()
        else:
            with open(args.body, "rb") as f:
                body = f.read()
    except OSError as e:
        sys.stderr.write("send_event.py: cannot read %s: %s\n" % (args.body, e))
        return 1

    props = {} if args.no_properties else (event_properties(body) or {})
    for p in args.property:
        name, eq, value = p.partition("=")
        if not eq or not name:
            ap.error("--property wants NAME=VALUE, got %r" % p)
        props[name] = value
    for p in args.typed_property:
        name, eq, typed = p.partition("=")
        kind, colon, value = typed.partition(":")
        converters = {"int": lambda v: int32(int(v)), "long": int, "double": float, "string": str,
                      "boolean": lambda v: {"true": True, "false": False}[v]}
        if not eq or not name or not colon or kind not in converters:
            ap.error("--typed-property wants NAME=TYPE:VALUE with TYPE int, long, double, boolean or string, got %r" % p)
        try:
            props[name] = converters[kind](value)
        except (ValueError, KeyError):
            ap.error("--typed-property %s: %r is not a %s" % (name, value, kind))

    if args.binary:
        # inferred=True: a bytes body becomes a Data section (not an AMQP binary value).
        msg = Message(body=body, inferred=True, durable=True)
    else:
        try:
            text = decode_text(body)
        except (UnicodeDecodeError, LookupError) as e:
            sys.stderr.write("send_event.py: cannot decode the body as text (%s): use --binary\n" % e)
            return 1
        msg = Message(body=text, durable=True)
    if props:
        msg.properties = props
    if args.content_type:
        msg.content_type = args.content_type

    kwargs = {}
    if "@" not in args.url.split("//", 1)[-1] and os.environ.get("XQBUS_USER"):
        kwargs["user"] = os.environ["XQBUS_USER"]
        kwargs["password"] = os.environ.get("XQBUS_PASSWORD", "")
    if "@" in args.url.split("//", 1)[-1] or kwargs:
        # Proton's built-in SASL picks ANONYMOUS when the server offers it (RabbitMQ does), even with
        # credentials: insist on PLAIN so that the user and password are really used.
        kwargs["allowed_mechs"] = "PLAIN"
    conn = None
    try:
        conn = BlockingConnection(args.url, timeout=args.timeout, **kwargs)
        sender = conn.create_sender(args.address)
        sender.send(msg, timeout=args.timeout)
    except Exception as e:  # ConnectionException, LinkException, SendException, Timeout
        sys.stderr.write("send_event.py: sending to %s at %s failed: %s: %s\n"
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
