package io.tef.bridge;

import io.tef.core.config.ConfigException;
import io.tef.core.config.TefConfig;
import io.vertx.rabbitmq.RabbitMQOptions;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where the broker is and who we are there. Read from the URL ourselves (not handed to the
 * client as a URI) so credentials given apart from the URL (TEF_AMQP_USER_<ENV>) apply too.
 */
record BrokerAddress(String host, int port, String virtualHost, String user, String password, boolean tls) {

  static BrokerAddress of(TefConfig.Amqp amqp) {
    URI uri;
    try {
      uri = new URI(amqp.url().trim());
    } catch (URISyntaxException e) {
      throw new ConfigException("amqp.url", "is not a valid URL: " + e.getReason());
    }
    boolean tls = "amqps".equalsIgnoreCase(uri.getScheme());
    String user = blankToNull(amqp.user());
    String password = blankToNull(amqp.password());
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : password;
    }
    String path = uri.getRawPath();
    String vhost = path == null || path.isEmpty() || "/".equals(path) ? "/" : decode(path.substring(1));
    return new BrokerAddress(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : tls ? 5671 : 5672, vhost,
        user == null ? "guest" : user, password == null ? "guest" : password, tls);
  }

  /**
   * Client options. Reconnecting is ours (a fresh client per connection, see
   * {@link BrokerConnection}), so the client's own recovery stays off: two mechanisms would race.
   */
  RabbitMQOptions options(String connectionName) {
    RabbitMQOptions o = new RabbitMQOptions()
        .setHost(host).setPort(port).setVirtualHost(virtualHost).setUser(user).setPassword(password)
        .setConnectionName(connectionName)
        .setConnectionTimeout(5000).setHandshakeTimeout(5000)
        .setRequestedHeartbeat(10)
        .setAutomaticRecoveryEnabled(false)
        .setIncludeProperties(true);
    o.setReconnectAttempts(0);
    if (tls) {
      o.setSsl(true);
    }
    return o;
  }

  /** For logs: never the password. */
  @Override
  public String toString() {
    return (tls ? "amqps://" : "amqp://") + user + "@" + host + ":" + port + ("/".equals(virtualHost) ? "" : "/" + virtualHost);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
