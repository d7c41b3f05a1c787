package io.tef.node;

import io.tef.bridge.AmqpBridgeVerticle;
import io.tef.collective.CollectiveVerticle;
import io.tef.dispatcher.DispatcherVerticle;
import io.tef.gateway.HttpGatewayVerticle;
import io.tef.registry.RegistryVerticle;
import io.vertx.core.Deployable;

import java.util.function.Supplier;

/** The verticles a node can run, in the order they are deployed. */
enum Role {
  REGISTRY("registry", RegistryVerticle::new),
  COLLECTIVE("collective", CollectiveVerticle::new),
  DISPATCHER("dispatcher", DispatcherVerticle::new),
  GATEWAY("gateway", HttpGatewayVerticle::new),
  /** The AMQP door; deployed only when amqp.url is set. */
  BRIDGE("bridge", AmqpBridgeVerticle::new);

  final String configName;
  final Supplier<Deployable> verticle;

  Role(String configName, Supplier<Deployable> verticle) {
    this.configName = configName;
    this.verticle = verticle;
  }
}
