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
  REGISTRY("registry", RegistryVerticle::new, RegistryVerticle.class, true),
  COLLECTIVE("collective", CollectiveVerticle::new, CollectiveVerticle.class, true),
  DISPATCHER("dispatcher", DispatcherVerticle::new, DispatcherVerticle.class, true),
  GATEWAY("gateway", HttpGatewayVerticle::new, HttpGatewayVerticle.class, false),
  /** The Task Engine's ZeroMQ door: part of the gateway role, deployed only when zmq.port is set. */
  ZMQ("gateway", io.tef.zmq.ZmqGatewayVerticle::new, io.tef.zmq.ZmqGatewayVerticle.class, false),
  /** The AMQP door; deployed only when amqp.url is set. */
  BRIDGE("bridge", AmqpBridgeVerticle::new, AmqpBridgeVerticle.class, false),
  /** Qworker's manager: part of the dispatcher role, deployed only when qworker.enabled is set. */
  QWORKER("dispatcher", io.tef.qworker.QworkerManagerVerticle::new, io.tef.qworker.QworkerManagerVerticle.class, false);

  final String configName;
  final Supplier<Deployable> verticle;
  /** The name Vert.x HA deploys it by on the node that takes over. */
  final String className;
  /** May run on another node after its own died (with cluster.ha): it binds no port of its own. */
  final boolean movable;

  Role(String configName, Supplier<Deployable> verticle, Class<?> type, boolean movable) {
    this.configName = configName;
    this.verticle = verticle;
    this.className = type.getName();
    this.movable = movable;
  }
}
