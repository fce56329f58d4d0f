package io.xqbus.internal.amqp;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import io.xqbus.BrokerUnavailableException;
import io.xqbus.Location;
import io.xqbus.NotAuthorizedException;
import io.xqbus.XqBusException;

/**
 * What RabbitMQ's AMQP 1.0 plugin cannot do over AMQP: declare a durable named queue and bind it to
 * {@code amq.topic}. The bus does it through the management HTTP API (three idempotent calls), so a consumer
 * group or the dead-letter queue exists before the first message is routed to it: RabbitMQ drops what it
 * cannot route. With the URI {@code none} nothing is declared and the operator's queues are used. Internal.
 */
public final class RabbitMqManagement {

    /** The exchange {@code /topic/NAME} addresses publish to. */
    static final String TOPIC_EXCHANGE = "amq.topic";

    private final URI base;
    private final String vhost;
    private final String authorization;
    private final String user;
    private final HttpClient http;

    private RabbitMqManagement(URI base, String vhost, String user, String password, Duration timeout) {
        this.base = base;
        this.vhost = vhost;
        this.user = user;
        this.authorization = user == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * The client for a management URI ({@code http://host:15672} or {@code http://host:15672/VHOST}), or null
     * for {@code none}.
     *
     * @throws XqBusException when the URI is not an http(s) URI
     */
    public static RabbitMqManagement of(String uri, String user, String password, Duration timeout) throws XqBusException {
        if (uri.equalsIgnoreCase("none")) {
            return null;
        }
        URI parsed;
        try {
            parsed = URI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new XqBusException("the RabbitMQ management URI is not valid: " + e.getMessage(), new Location(uri, 0, 0, null), e);
        }
        if (!"http".equals(parsed.getScheme()) && !"https".equals(parsed.getScheme()) || parsed.getHost() == null) {
            throw new XqBusException("the RabbitMQ management URI must be http://HOST:PORT[/VHOST] or none, not " + uri,
                    new Location(uri, 0, 0, null), null);
        }
        String path = parsed.getPath() == null ? "" : parsed.getPath().replaceAll("^/+|/+$", "");
        String vhost = path.isEmpty() ? "/" : path;
        URI base = URI.create(parsed.getScheme() + "://" + parsed.getRawAuthority());
        return new RabbitMqManagement(base, vhost, user, password, timeout);
    }

    /**
     * Declares a queue (if it does not exist) and binds it to {@code amq.topic} with a routing key. A durable
     * queue survives broker restarts and keeps events while nobody reads it; a non-durable one is deleted
     * when its last consumer goes.
     */
    public void declareBoundQueue(String queue, boolean durable, String routingKey) throws XqBusException {
        declareQueue(queue, durable);
        call("POST", "/api/bindings/" + enc(vhost) + "/e/" + enc(TOPIC_EXCHANGE) + "/q/" + enc(queue),
                "{\"routing_key\":\"" + json(routingKey) + "\",\"arguments\":{}}", "binding queue " + queue + " to " + TOPIC_EXCHANGE);
    }

    /** Declares a queue (if it does not exist). */
    public void declareQueue(String queue, boolean durable) throws XqBusException {
        call("PUT", "/api/queues/" + enc(vhost) + "/" + enc(queue),
                "{\"durable\":" + durable + ",\"auto_delete\":" + !durable + ",\"arguments\":{}}", "declaring queue " + queue);
    }

    /** Deletes a queue and what it holds; a queue that does not exist is no error. */
    public void deleteQueue(String queue) throws XqBusException {
        call("DELETE", "/api/queues/" + enc(vhost) + "/" + enc(queue), null, "deleting queue " + queue);
    }

    private void call(String method, String path, String json, String doing) throws XqBusException {
        URI uri = base.resolve(path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        Location where = new Location(base.toString(), 0, 0, null);
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new BrokerUnavailableException("cannot reach RabbitMQ's management API at " + base + " while " + doing + " (" + e
                    + "); enable the rabbitmq_management plugin, give its address with managementUri / --management-uri, "
                    + "or declare the queues yourself and set it to none", where, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("interrupted while " + doing, where, e);
        }
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            String who = user == null ? "an anonymous request" : "user '" + user + "'";
            throw new NotAuthorizedException("RabbitMQ's management API refused " + who + " while " + doing + " (HTTP " + status
                    + "); the user needs the management tag and configure/write rights on the virtual host", where, null);
        }
        if (status == 404 && "DELETE".equals(method)) {
            return;   // already gone
        }
        if (status / 100 != 2) {
            String body = response.body() == null ? "" : response.body().strip();
            throw new BrokerUnavailableException("RabbitMQ's management API answered HTTP " + status + " while " + doing
                    + (body.isEmpty() ? "" : ": " + (body.length() > 300 ? body.substring(0, 300) + "…" : body)), where, null);
        }
    }

    private static String enc(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
