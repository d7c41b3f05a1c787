package io.tef.core;

/** Keys of the node-local shared map where verticles leave facts the launcher reads (the real HTTP port). */
public final class NodeInfo {

  public static final String MAP = "tef.node";
  public static final String HTTP_PORT = "http.port";
  /** The port the TCP event-bus bridge listens on, when it is on. */
  public static final String TCP_BRIDGE_PORT = "tcp_bridge.port";
  /** The port the ZeroMQ door (Task Engine clients) listens on, when it is on. */
  public static final String ZMQ_PORT = "zmq.port";
  /** The AMQP bridge's connection: "up" or "down"; absent when this node runs no bridge. */
  public static final String AMQP_STATE = "amqp.state";
  /**
   * A local map of this node's dispatcher instances to their lease: "held", "fenced" (a renewal is
   * late: it dispatches nothing until one lands) or "lost" (taken over). Read by readiness.
   */
  public static final String DISPATCHER_LEASES = "tef.node.dispatcher.leases";

  /**
   * The cluster-wide map where every node keeps a short-lived entry about itself (name, roles,
   * HTTP port, health); {@code GET /api/cluster} lists it. Entries expire unless renewed.
   */
  public static final String CLUSTER_MAP = "tef.cluster.nodes";

  private NodeInfo() {
  }
}
