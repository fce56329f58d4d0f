package io.xqbus.internal.typed;

import java.io.StringReader;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.xml.namespace.QName;
import javax.xml.transform.sax.SAXSource;

import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBElement;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Marshaller;
import jakarta.xml.bind.annotation.XmlElementDecl;
import jakarta.xml.bind.annotation.XmlRootElement;
import jakarta.xml.bind.annotation.XmlSchema;

import io.xqbus.internal.xml.SecureXml;

/**
 * How a JAXB class maps to its event element and back, for any JAXB class: {@code @XmlRootElement} where
 * present, else the {@code @XmlElementDecl} factory method of the package's {@code ObjectFactory} (what xjc
 * generates for lineage-style XSDs: a named complexType plus a global element of the same name). Contexts
 * and mappings are cached per class. Internal; thread-safe.
 */
public final class JaxbBinding<T> {

    private static final Map<Class<?>, JaxbBinding<?>> CACHE = new ConcurrentHashMap<>();

    private final Class<T> type;
    private final QName element;
    private final JAXBContext context;

    private JaxbBinding(Class<T> type, QName element, JAXBContext context) {
        this.type = type;
        this.element = element;
        this.context = context;
    }

    /**
     * The binding of a class.
     *
     * @throws IllegalArgumentException when the class is not a JAXB class with a known element
     */
    @SuppressWarnings("unchecked")
    public static <T> JaxbBinding<T> of(Class<T> type) {
        return (JaxbBinding<T>) CACHE.computeIfAbsent(type, JaxbBinding::create);
    }

    private static <T> JaxbBinding<T> create(Class<T> type) {
        QName element = elementOf(type);
        try {
            Class<?> factory = objectFactory(type);
            JAXBContext context = factory != null ? JAXBContext.newInstance(type, factory) : JAXBContext.newInstance(type);
            return new JaxbBinding<>(type, element, context);
        } catch (JAXBException e) {
            throw new IllegalArgumentException("cannot bind " + type.getName() + " with JAXB: " + e, e);
        }
    }

    /** The event element (namespace and local name) of the class. */
    public QName element() {
        return element;
    }

    /** The object as payload XML. */
    public String marshal(Object value) {
        try {
            Marshaller m = context.createMarshaller();
            m.setProperty(Marshaller.JAXB_FRAGMENT, Boolean.TRUE);
            m.setProperty(Marshaller.JAXB_ENCODING, "UTF-8");
            StringWriter out = new StringWriter(256);
            Object root = type.isAnnotationPresent(XmlRootElement.class) ? value : new JAXBElement<>(element, type, type.cast(value));
            m.marshal(root, out);
            return out.toString();
        } catch (JAXBException e) {
            throw new IllegalArgumentException("cannot marshal " + type.getName() + ": " + e, e);
        }
    }

    /** Payload XML (already parsed once by the bus) as an object, parsed again with the hardened reader. */
    public T unmarshal(String payloadXml) throws JAXBException {
        try {
            SAXSource source = new SAXSource(SecureXml.newReader(), new InputSource(new StringReader(payloadXml)));
            return context.createUnmarshaller().unmarshal(source, type).getValue();
        } catch (SAXException e) {
            throw new JAXBException("cannot create a hardened parser: " + e, e);
        }
    }

    private static QName elementOf(Class<?> type) {
        XmlRootElement root = type.getAnnotation(XmlRootElement.class);
        if (root != null) {
            String ns = root.namespace();
            if ("##default".equals(ns)) {
                XmlSchema schema = type.getPackage() == null ? null : type.getPackage().getAnnotation(XmlSchema.class);
                ns = schema == null ? "" : schema.namespace();
            }
            String name = "##default".equals(root.name()) ? decapitalize(type.getSimpleName()) : root.name();
            return new QName(ns, name);
        }
        Class<?> factory = objectFactory(type);
        if (factory != null) {
            for (Method m : factory.getMethods()) {
                XmlElementDecl decl = m.getAnnotation(XmlElementDecl.class);
                if (decl != null && m.getParameterCount() == 1 && m.getParameterTypes()[0] == type && returnsElementOf(m, type)) {
                    return new QName(decl.namespace(), decl.name());
                }
            }
        }
        throw new IllegalArgumentException(type.getName() + " is not an event class: it has no @XmlRootElement and its package's "
                + "ObjectFactory declares no element for it (@XmlElementDecl)");
    }

    private static boolean returnsElementOf(Method m, Class<?> type) {
        Type r = m.getGenericReturnType();
        return r instanceof ParameterizedType p && p.getRawType() == JAXBElement.class && p.getActualTypeArguments()[0] == type;
    }

    private static Class<?> objectFactory(Class<?> type) {
        String pkg = type.getPackageName();
        try {
            return Class.forName((pkg.isEmpty() ? "" : pkg + ".") + "ObjectFactory", false, type.getClassLoader());
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    private static String decapitalize(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
