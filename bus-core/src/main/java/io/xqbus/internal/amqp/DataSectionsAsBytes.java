package io.xqbus.internal.amqp;

import java.lang.reflect.Method;

import org.apache.qpid.jms.message.JmsInboundMessageDispatch;
import org.apache.qpid.jms.message.JmsMessage;
import org.apache.qpid.jms.provider.Provider;
import org.apache.qpid.jms.provider.ProviderWrapper;
import org.apache.qpid.jms.provider.amqp.message.AmqpJmsBytesMessageFacade;
import org.apache.qpid.jms.provider.amqp.message.AmqpJmsMessageFacade;
import org.apache.qpid.jms.provider.amqp.message.AmqpJmsTextMessageFacade;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every AMQP Data section to the bus as bytes (brief §3: parsed as bytes, so the XML declaration's
 * encoding holds and invalid UTF-8 is an error, never silently replaced). qpid-jms turns a Data section whose
 * content-type is textual ({@code text/*}, {@code application/xml}, …) into a TextMessage and decodes it
 * itself, as UTF-8 unless the content-type names a charset; a body that does not decode then fails inside
 * qpid-jms before any listener sees it (a "connection failure", the message acknowledged with the next one).
 * This wrapper sits between the provider and the connection and turns such messages back into the bytes
 * messages they are, before qpid-jms queues them. Messages with a string body (AMQP value) pass unchanged.
 * Internal.
 */
final class DataSectionsAsBytes extends ProviderWrapper<Provider> {

    private static final Logger LOG = LoggerFactory.getLogger(DataSectionsAsBytes.class);

    /**
     * qpid-jms's own copy of a message's state (connection, addresses, header, properties, body) into another
     * facade: protected, so reached reflectively; null (and every message passes as qpid-jms made it) should a
     * qpid-jms version lack it — {@code ForeignClientTest} would then fail.
     */
    private static final Method COPY_INTO = copyInto();

    DataSectionsAsBytes(Provider next) {
        super(next);
    }

    @Override
    public void onInboundMessage(JmsInboundMessageDispatch envelope) {
        JmsMessage message = envelope.getMessage();
        // a text message from a string value has no content-type; one made from a Data section has one
        if (COPY_INTO != null && message != null && message.getFacade() instanceof AmqpJmsTextMessageFacade text
                && text.getContentType() != null) {
            try {
                AmqpJmsBytesMessageFacade bytes = new AmqpJmsBytesMessageFacade();
                COPY_INTO.invoke(text, bytes);
                if (bytes.hasBody() || !text.hasBody()) {   // the body was a Data section (else a string value: keep it)
                    envelope.setMessage(bytes.asJmsMessage());
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.debug("could not hand a textual Data section over as bytes: {}", e.toString());   // passes as qpid-jms made it
            }
        }
        super.onInboundMessage(envelope);
    }

    private static Method copyInto() {
        try {
            Method m = AmqpJmsMessageFacade.class.getDeclaredMethod("copyInto", AmqpJmsMessageFacade.class);
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("this qpid-jms version cannot hand textual Data sections over as bytes ({}); invalid text in them "
                    + "will fail inside qpid-jms", e.toString());
            return null;
        }
    }
}
