package io.xqbus.internal.filter;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.sf.saxon.Configuration;
import net.sf.saxon.lib.EnvironmentVariableResolver;
import net.sf.saxon.lib.ErrorReporter;
import net.sf.saxon.lib.Feature;
import net.sf.saxon.s9api.Processor;
import net.sf.saxon.trans.XPathException;

import io.xqbus.internal.xml.SecureXml;

/**
 * The one Saxon processor every filter is compiled with, locked down for untrusted events and queries
 * (brief §4, STACK.md "Secure XML"): {@code doc()}, {@code collection()}, {@code unparsed-text()},
 * {@code json-doc()} and module imports are refused by resolvers that throw, environment variables are
 * invisible, protocols are limited to none, Saxon's own parser refuses DOCTYPE, and Saxon's messages go to
 * the log instead of stderr. Internal.
 */
public final class Sandbox {

    private static final Logger LOG = LoggerFactory.getLogger("io.xqbus.filter");
    /** Sends Saxon's warnings and recoverable errors to the log, as the logger above does; stateless, so shared. */
    private static final ErrorReporter LOGGING_REPORTER = error -> {
        if (LOG.isDebugEnabled()) {
            var where = error.getLocation();
            LOG.debug("saxon: {}{} {}", error.isWarning() ? "warning" : "error",
                    where == null || where.getLineNumber() <= 0 ? "" : " at line " + where.getLineNumber() + " column " + where.getColumnNumber(),
                    error.getMessage());
        }
    };

    private static final Processor PROCESSOR = create();

    private Sandbox() {
    }

    /** The shared, locked-down processor (thread-safe). */
    public static Processor processor() {
        return PROCESSOR;
    }

    private static Processor create() {
        Processor p = new Processor(false);
        Configuration c = p.getUnderlyingConfiguration();
        c.setResourceResolver(request -> {
            throw refused("reading '" + request.uri + "'", "FODC0002");
        });
        c.setUnparsedTextURIResolver((uri, encoding, config) -> {
            throw refused("reading '" + uri + "'", "FOUT1170");
        });
        c.setCollectionFinder((context, uri) -> {
            throw refused("reading the collection '" + uri + "'", "FODC0002");
        });
        c.setModuleURIResolver((moduleUri, baseUri, locations) -> {
            throw refused("importing the module '" + moduleUri + "'", "XQST0059");
        });
        c.setConfigurationProperty(Feature.ENVIRONMENT_VARIABLE_RESOLVER, new EnvironmentVariableResolver() {
            @Override
            public Set<String> getAvailableEnvironmentVariables() {
                return Set.of();
            }

            @Override
            public String getEnvironmentVariable(String name) {
                return null;
            }
        });
        // An empty list did not block anything in Saxon-HE 12.10 (STACK.md); a list naming no real scheme does.
        c.setConfigurationProperty(Feature.ALLOWED_PROTOCOLS, "xqbus-none");
        c.setConfigurationProperty(Feature.XML_PARSER_FEATURE.name
                + URLEncoder.encode(SecureXml.DISALLOW_DOCTYPE, StandardCharsets.UTF_8), true);
        c.setConfigurationProperty(Feature.XML_PARSER_FEATURE.name
                + URLEncoder.encode("http://xml.org/sax/features/external-general-entities", StandardCharsets.UTF_8), false);
        c.setLogger(new net.sf.saxon.lib.Logger() {
            @Override
            public void println(String message, int severity) {
                LOG.debug("saxon: {}", message);
            }
        });
        // Saxon makes an error reporter for every pipeline, so for every event tree the consumer builds; its
        // default one opens a PrintWriter on stderr each time only to be pointed at the logger above. One
        // stateless reporter sends the same messages to the same log without that cost.
        c.setErrorReporterFactory(config -> LOGGING_REPORTER);
        return p;
    }

    private static XPathException refused(String what, String code) {
        XPathException e = new XPathException(what + " is not allowed: a filter sees only the event it is evaluated on");
        e.setErrorCode(code);
        return e;
    }
}
