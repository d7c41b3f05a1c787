/**
 * The Task Engine's door: ZeroMQ clients send {@code [META, TASK]} (a call), {@code [META, DATA]}
 * (a data request) or {@code [META]} (a ping) as JSON frames to a ROUTER, and get
 * {@code [META, DATA]} back. {@link io.tef.zmq.RouterLoop} owns the socket on a thread of its own,
 * {@link io.tef.zmq.frames.FrameReader} checks the frames, {@link io.tef.zmq.Calls} turns a call
 * into a durable TEF task and answers when it ends, {@link io.tef.zmq.CallableTypes} is the
 * whitelist ({@code rpc: true} definitions and {@code zmq.task_types}), and
 * {@link io.tef.zmq.CurveClients} admits CurveZMQ clients by public key.
 */
package io.tef.zmq;
