package io.tef.node.cli;

import io.tef.zmq.ServerKey;
import org.zeromq.ZMQ;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code tef zmq-keys}: a new CurveZMQ key pair, for the node (zmq.curve.server_secret) or a client (zmq.curve.clients). */
@Command(name = "zmq-keys", mixinStandardHelpOptions = true,
    description = {"Prints a new CurveZMQ key pair (Z85) for the ZeroMQ door.",
        "For the node: the secret goes in zmq.curve.server_secret (TEF_ZMQ_CURVE_SERVER_SECRET), the public key to its clients (curve_serverkey).",
        "For a client: the public key goes in zmq.curve.clients, the secret stays with the client (curve_secretkey)."})
final class ZmqKeysCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    ZMQ.Curve.KeyPair pair = ServerKey.generate();
    spec.commandLine().getOut().println("public: " + pair.publicKey);
    spec.commandLine().getOut().println("secret: " + pair.secretKey);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
