package io.tef.zmq;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZAuth;
import org.zeromq.ZMsg;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The CurveZMQ clients that may connect: a handshake whose client key is not listed is refused
 * by ZeroMQ's ZAP (the client never gets a connection). Refusals are logged at most once a
 * minute, with the address and the refused public key (a public key is no secret).
 */
final class CurveClients implements ZAuth.Auth {

  private static final Logger LOG = LoggerFactory.getLogger(CurveClients.class);

  private final Set<String> allowed;
  private final AtomicLong refused = new AtomicLong();
  private volatile long lastLogged;

  CurveClients(List<String> publicKeys) {
    this.allowed = Set.copyOf(publicKeys);
  }

  @Override
  public boolean configure(ZMsg configuration, boolean verbose) {
    return true;
  }

  @Override
  public boolean authorize(ZAuth.ZapRequest request, boolean verbose) {
    if (request.clientKey != null && allowed.contains(request.clientKey)) {
      request.userId = request.clientKey;
      return true;
    }
    long n = refused.incrementAndGet();
    long now = System.currentTimeMillis();
    if (now - lastLogged > 60_000) {
      lastLogged = now;
      LOG.warn("ZeroMQ door: refused a CurveZMQ client from {} with key {} (not in zmq.curve.clients; {} refused so far)",
          request.address, request.clientKey, n);
    }
    return false;
  }
}
