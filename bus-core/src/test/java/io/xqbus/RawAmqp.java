package io.xqbus;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.message.Message;

/**
 * A foreign AMQP 1.0 producer with no JMS and no xqbus code: proton-j's engine over a plain socket, so a test
 * sets the sender link's target, the {@code to} field, the message id and the application properties exactly as
 * a hostile client would (qpid-jms always writes {@code to} and a message id itself). Test code; blocking.
 */
final class RawAmqp implements AutoCloseable {

    private static final long TIMEOUT_MS = 30_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Transport transport = Proton.transport();
    private final Connection connection = Proton.connection();
    private final Session session;
    private final byte[] readBuffer = new byte[64 * 1024];
    private int links;

    /** Connects with SASL PLAIN as {@code user}, or ANONYMOUS when {@code user} is null. */
    RawAmqp(URI broker, String user, String password) throws IOException {
        socket = new Socket(broker.getHost(), broker.getPort());
        socket.setSoTimeout(20);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        Sasl sasl = transport.sasl();
        sasl.client();
        if (user != null) {
            sasl.plain(user, password);
        } else {
            sasl.setMechanisms("ANONYMOUS");
        }
        transport.bind(connection);
        connection.setContainer("xqbus-raw-amqp-test");
        connection.setHostname(broker.getHost());
        connection.open();
        session = connection.session();
        session.open();
        pumpUntil(() -> connection.getRemoteState() != EndpointState.UNINITIALIZED || transport.isClosed(), "the connection to open");
        if (connection.getRemoteState() != EndpointState.ACTIVE) {
            throw new IOException("the broker refused the connection: " + connection.getRemoteCondition() + " / " + sasl.getOutcome());
        }
    }

    /** A message with a string body (what qpid-jms reads as a TextMessage), these properties, and no {@code to} or id. */
    static Message text(String body, Map<String, Object> properties) {
        Message m = Proton.message();
        m.setBody(new AmqpValue(body));
        if (properties != null && !properties.isEmpty()) {
            m.setApplicationProperties(new ApplicationProperties(new java.util.LinkedHashMap<>(properties)));
        }
        return m;
    }

    /**
     * Sends one message on a new sender link whose target is {@code target} and waits for the broker's outcome.
     *
     * @return the broker's outcome ({@link Accepted} when it took the message)
     * @throws IOException when the broker refused the link (no right to publish there) or did not answer in time
     */
    DeliveryState send(String target, Message message) throws IOException {
        Sender sender = session.sender("raw-" + (++links));
        Target t = new Target();
        t.setAddress(target);
        sender.setTarget(t);
        sender.setSource(new Source());
        sender.open();
        pumpUntil(() -> sender.getRemoteState() == EndpointState.CLOSED || sender.getRemoteState() == EndpointState.ACTIVE && sender.getCredit() > 0,
                "credit on " + target);
        if (sender.getRemoteState() == EndpointState.CLOSED || sender.getRemoteTarget() == null) {
            String why = String.valueOf(sender.getRemoteCondition());
            sender.close();
            pump();
            throw new IOException("the broker refused a sender link to " + target + ": " + why);
        }
        byte[] encoded = encode(message);
        Delivery delivery = sender.delivery(("d" + links).getBytes(StandardCharsets.US_ASCII));
        sender.send(encoded, 0, encoded.length);
        sender.advance();
        pumpUntil(() -> delivery.remotelySettled() || delivery.getRemoteState() != null || sender.getRemoteState() == EndpointState.CLOSED,
                "the outcome of a message to " + target);
        DeliveryState outcome = delivery.getRemoteState();
        delivery.settle();
        sender.close();
        pump();
        if (outcome == null) {
            throw new IOException("the broker closed the link to " + target + ": " + sender.getRemoteCondition());
        }
        return outcome;
    }

    /** {@link #send}, expecting the broker to accept. */
    void sendAccepted(String target, Message message) throws IOException {
        DeliveryState outcome = send(target, message);
        if (!(outcome instanceof Accepted)) {
            throw new IOException("the broker did not accept the message to " + target + ": " + outcome);
        }
    }

    private static byte[] encode(Message message) {
        for (int size = 4096; ; size *= 2) {
            byte[] buffer = new byte[size];
            try {
                int length = message.encode(buffer, 0, buffer.length);
                if (length < buffer.length) {
                    return java.util.Arrays.copyOf(buffer, length);
                }
            } catch (BufferOverflowException e) {
                // larger
            }
        }
    }

    private void pumpUntil(BooleanSupplier done, String what) throws IOException {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline || transport.isClosed()) {
                throw new IOException("timed out waiting for " + what + (transport.isClosed() ? " (the connection closed)" : ""));
            }
            pump();
        }
    }

    /** Writes what the engine has to send, then reads what arrived within a short wait. */
    private void pump() throws IOException {
        int pending;
        while ((pending = transport.pending()) > 0) {
            ByteBuffer head = transport.head();
            byte[] chunk = new byte[pending];
            head.get(chunk);
            out.write(chunk);
            transport.pop(pending);
        }
        out.flush();
        int capacity = transport.capacity();
        if (capacity <= 0) {
            return;
        }
        try {
            int n = in.read(readBuffer, 0, Math.min(capacity, readBuffer.length));
            if (n < 0) {
                transport.close_tail();
            } else {
                transport.tail().put(readBuffer, 0, n);
                transport.process();
            }
        } catch (SocketTimeoutException e) {
            // nothing arrived yet
        }
    }

    @Override
    public void close() throws IOException {
        try {
            session.close();
            connection.close();
            long deadline = System.currentTimeMillis() + 2_000;
            while (connection.getRemoteState() != EndpointState.CLOSED && !transport.isClosed() && System.currentTimeMillis() < deadline) {
                pump();
            }
        } finally {
            socket.close();
        }
    }
}
