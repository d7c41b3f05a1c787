package io.tef.bridge;

import io.tef.core.config.ConfigException;
import io.tef.core.config.TefConfig;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.rabbitmq.RabbitMQOptions;

import javax.net.ssl.TrustManagerFactory;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where the broker is and who we are there. Read from the URL ourselves (not handed to the
 * client as a URI) so credentials given apart from the URL (TEF_AMQP_USER_<ENV>) apply too.
 */
record BrokerAddress(String host, int port, String virtualHost, String user, String password, boolean tls, String caFile) {

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
        user == null ? "guest" : user, password == null ? "guest" : password, tls, blankToNull(amqp.tlsCaFile()));
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
      // Without trust options the client has no SSL options at all (and failed on them): the
      // JVM's trusted CAs unless amqp.tls_ca_file names others, and the broker's name checked.
      o.setSsl(true).setHostnameVerificationAlgorithm("HTTPS").setTrustOptions(caFile != null ? new PemTrustOptions().addCertPath(caFile) : jvmTrust());
    }
    return o;
  }

  private static TrustOptions jvmTrust() {
    try {
      TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init((java.security.KeyStore) null);
      return TrustOptions.wrap(f);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("the JVM's trusted CAs cannot be read: " + e.getMessage(), e);
    }
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
