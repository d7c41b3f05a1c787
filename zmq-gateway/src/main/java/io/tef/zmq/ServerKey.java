package io.tef.zmq;

import com.neilalexander.jnacl.crypto.curve25519;
import org.zeromq.ZMQ;

/** CurveZMQ keys: a new pair, and the public key of a secret one (what clients put in their curve_serverkey). */
public final class ServerKey {

  private ServerKey() {
  }

  /** A new key pair in Z85: {public, secret}. */
  public static ZMQ.Curve.KeyPair generate() {
    return ZMQ.Curve.generateKeyPair();
  }

  public static String publicOf(String secretZ85) {
    byte[] publicKey = new byte[32];
    curve25519.crypto_scalarmult_base(publicKey, ZMQ.Curve.z85Decode(secretZ85));
    return ZMQ.Curve.z85Encode(publicKey);
  }
}
