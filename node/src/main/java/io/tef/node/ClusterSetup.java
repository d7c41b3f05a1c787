package io.tef.node;

import com.hazelcast.config.Config;
import com.hazelcast.config.XmlConfigBuilder;
import io.tef.core.config.ConfigException;
import io.tef.core.config.TefConfig;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The Hazelcast cluster manager, from the configured cluster.xml (loopback-only by default). */
final class ClusterSetup {

  static HazelcastClusterManager clusterManager(TefConfig.Cluster cluster, String configDir) {
    System.setProperty("hazelcast.logging.type", "slf4j");
    Config hz;
    try (InputStream in = open(cluster.configFile(), configDir)) {
      hz = new XmlConfigBuilder(in).build();
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("cluster.config_file", "cannot be read as Hazelcast XML: " + e.getMessage(), e);
    }
    hz.setClusterName(cluster.name());
    if (cluster.members() != null && !cluster.members().isEmpty()) {
      hz.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    }
    // Hazelcast binds where the event bus binds, never to every interface.
    hz.getNetworkConfig().getInterfaces().setEnabled(true).setInterfaces(List.of(cluster.host()));
    hz.setProperty("hazelcast.socket.bind.any", "false");
    return new HazelcastClusterManager(hz);
  }

  private static InputStream open(String configured, String configDir) throws IOException {
    if (configured != null && !configured.isBlank()) {
      return Files.newInputStream(Path.of(configured));
    }
    for (Path candidate : new Path[] {configDir == null ? null : Path.of(configDir, "cluster.xml"), Path.of("conf", "cluster.xml")}) {
      if (candidate != null && Files.isRegularFile(candidate)) {
        return Files.newInputStream(candidate);
      }
    }
    InputStream in = ClusterSetup.class.getClassLoader().getResourceAsStream("conf/cluster.xml");
    if (in == null) {
      throw new IOException("no cluster.xml found");
    }
    return in;
  }

  private ClusterSetup() {
  }
}
