package io.tef.node;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;

/**
 * HTTP below the client library: request lines, headers and framing no client would send, over
 * a plain socket. Every request is complete (its body framed by a right Content-Length, or none),
 * so the server has all it needs to answer; an answer must come, and a 4xx must be JSON.
 */
final class RawHttpDoor {

  private final FuzzNode node;

  RawHttpDoor(FuzzNode node) {
    this.node = node;
  }

  record Raw(String label, byte[] bytes) {
  }

  /** As {@link #sendOnce}; sent a second time when no answer came (then a late one). */
  FuzzNode.Reply send(byte[] request) {
    FuzzNode.Reply r = sendOnce(request);
    if (r.answered()) {
      return r;
    }
    FuzzNode.Reply again = sendOnce(request);
    return again.answered() ? new FuzzNode.Reply(again.status(), again.contentType(), again.body(), null, true) : r;
  }

  /** Status, content type and body of the first response on a fresh connection; status 0 when none came. */
  FuzzNode.Reply sendOnce(byte[] request) {
    try (Socket s = new Socket("127.0.0.1", node.port())) {
      s.setSoTimeout((int) Chaos.ANSWER_TIMEOUT_MS);
      OutputStream out = s.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      long deadline = System.currentTimeMillis() + Chaos.ANSWER_TIMEOUT_MS;
      while (System.currentTimeMillis() < deadline) {
        int n;
        try {
          n = in.read(buf);
        } catch (SocketTimeoutException e) {
          break;
        } catch (java.io.IOException e) {
          break; // reset: judge what came
        }
        if (n < 0) {
          break;
        }
        got.write(buf, 0, n);
        FuzzNode.Reply r = parse(got.toByteArray());
        if (r != null) {
          return r;
        }
      }
      FuzzNode.Reply r = parseLoose(got.toByteArray());
      return r != null ? r : new FuzzNode.Reply(0, null, null, got.size() == 0 ? "connection closed or timed out with no byte of answer"
          : "an incomplete answer: " + Printable.bytes(got.toByteArray(), 200));
    } catch (Exception e) {
      return new FuzzNode.Reply(0, null, null, e.toString());
    }
  }

  /** A complete response (headers and a Content-Length body, or a chunked one that ended), or null. */
  private static FuzzNode.Reply parse(byte[] b) {
    String text = new String(b, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      return null;
    }
    String head = text.substring(0, end);
    String rest = text.substring(end + 4);
    String[] lines = head.split("\r\n");
    if (!lines[0].startsWith("HTTP/")) {
      return new FuzzNode.Reply(0, null, null, "not an HTTP answer: " + Printable.of(lines[0], 100));
    }
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    if (status >= 100 && status < 200 && status != 101) {
      return parse(rest.getBytes(StandardCharsets.ISO_8859_1)); // 100 Continue: the answer follows
    }
    String type = null;
    long length = -1;
    boolean chunked = false;
    for (String l : lines) {
      String lower = l.toLowerCase();
      if (lower.startsWith("content-type:")) {
        type = l.substring(13).trim();
      } else if (lower.startsWith("content-length:")) {
        length = Long.parseLong(l.substring(15).trim());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      }
    }
    if (chunked) {
      if (!rest.endsWith("0\r\n\r\n")) {
        return null;
      }
      return new FuzzNode.Reply(status, type, dechunk(rest), null);
    }
    if (length >= 0 && rest.length() < length) {
      return null;
    }
    if (length < 0) {
      return null; // read to the end
    }
    return new FuzzNode.Reply(status, type, new String(rest.substring(0, (int) length).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8), null);
  }

  /** What came before the connection closed: a status line and headers are an answer, the body as far as it came. */
  private static FuzzNode.Reply parseLoose(byte[] b) {
    String text = new String(b, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/") || end < 0) {
      return null;
    }
    FuzzNode.Reply strict = parse((text + "0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    String[] lines = text.substring(0, end).split("\r\n");
    String type = null;
    for (String l : lines) {
      if (l.toLowerCase().startsWith("content-type:")) {
        type = l.substring(13).trim();
      }
    }
    return strict != null ? strict : new FuzzNode.Reply(Integer.parseInt(lines[0].split(" ")[1]), type, text.substring(end + 4), null);
  }

  private static String dechunk(String s) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      int eol = s.indexOf("\r\n", i);
      if (eol < 0) {
        break;
      }
      int n;
      try {
        n = Integer.parseInt(s.substring(i, eol).split(";")[0].trim(), 16);
      } catch (NumberFormatException e) {
        break;
      }
      if (n == 0) {
        break;
      }
      out.append(s, eol + 2, Math.min(s.length(), eol + 2 + n));
      i = eol + 2 + n + 2;
    }
    return new String(out.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }

  static final List<String> METHODS = List.of("GET", "POST", "get", "G\u0000T", "GET GET", "", "\u00c9", "X".repeat(300), "PRI", "CONNECT");
  static final List<String> TARGETS = List.of("/health", "/api/tasks", "/api/tasks/x", "*", "http://127.0.0.1/api/tasks", "//", "/%", "/%zz", "/%00",
      "/api/tasks/%2e%2e", "/../../etc/passwd", "/a b", "/\u00e9", "/api/tasks/" + "x".repeat(9000), "/api/tasks?" + "q".repeat(70_000),
      "api/tasks", "", "/api/tasks\u0000", "/api/tasks#frag", "/\t/");
  static final List<String> VERSIONS = List.of("HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.1x", "", "HTTP/9.9", "http/1.1", "HTTP/1.1 extra");
  static final List<String> HEADERS = List.of("", "Host: 127.0.0.1", "Host:", "Host: a\r\nHost: b", "Content-Length: -1", "Content-Length: x",
      "Content-Length: 0\r\nContent-Length: 0", "Content-Length: 99999999999999999999", "Bad Header Line", "Na me: v", ": novalue", "X-Long: " + "v".repeat(10_000), "X-Huge: " + "v".repeat(70_000),
      "X-Fold: a\r\n b", "X-Nul: a\u0000b", "Expect: 100-continue", "Expect: 999-whatever", "Connection: Upgrade\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA",
      "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: x", "Content-Type: application/json; charset=ebcdic",
      "Content-Encoding: gzip", "Content-Encoding: deflate, br", manyHeaders());

  private static String manyHeaders() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      b.append(i == 0 ? "" : "\r\n").append("X-H").append(i).append(": v");
    }
    return b.toString();
  }

  static Arbitrary<Raw> request() {
    Arbitrary<byte[]> body = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(new byte[0])), Tuple.of(2, Gen.rawBody()),
        Tuple.of(2, Gen.envelope().map(e -> e.text().getBytes(StandardCharsets.UTF_8))));
    Arbitrary<Raw> structured = Combinators.combine(Arbitraries.of(METHODS), Arbitraries.of(TARGETS), Arbitraries.of(VERSIONS),
        Arbitraries.of(HEADERS), Arbitraries.of(HEADERS), body).as((m, t, v, h1, h2, b) -> {
          StringBuilder head = new StringBuilder(m + " " + t + (v.isEmpty() ? "" : " " + v) + "\r\n");
          boolean framed = h1.contains("Content-Length") || h1.contains("Transfer-Encoding") || h2.contains("Content-Length") || h2.contains("Transfer-Encoding");
          for (String h : List.of(h1, h2)) {
            if (!h.isEmpty()) {
              head.append(h).append("\r\n");
            }
          }
          if (!head.toString().toLowerCase().contains("\r\nhost:")) {
            head.append("Host: 127.0.0.1\r\n");
          }
          byte[] payload = framed ? new byte[0] : b;
          if (!framed) {
            head.append("Content-Length: ").append(payload.length).append("\r\n");
          }
          head.append("Connection: close\r\n\r\n");
          ByteArrayOutputStream all = new ByteArrayOutputStream();
          all.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
          all.writeBytes(payload);
          return new Raw(Printable.of(m + " " + Printable.cut(t, 60) + " " + v + " [" + Printable.cut(h1, 80) + "] [" + Printable.cut(h2, 80) + "]", 400)
              + (payload.length > 0 ? " body " + Printable.bytes(payload, 120) : ""), all.toByteArray());
        });
    Arbitrary<Raw> garbage = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(200)
        .map(b -> {
          ByteArrayOutputStream all = new ByteArrayOutputStream();
          all.writeBytes(b);
          all.writeBytes("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          return new Raw("raw bytes " + Printable.bytes(all.toByteArray(), 200), all.toByteArray());
        });
    Arbitrary<Raw> chunked = Arbitraries.of(
        "POST /api/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
        "POST /api/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\nX-Trailer: " + "t".repeat(20_000) + "\r\n\r\n",
        "POST /api/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n",
        "POST /api/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked, identity\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        "POST /api/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{}}")
        .map(s -> new Raw(Printable.of(s, 300), s.getBytes(StandardCharsets.ISO_8859_1)));
    return Arbitraries.frequencyOf(Tuple.of(8, structured), Tuple.of(1, garbage), Tuple.of(1, chunked));
  }

  /**
   * A request line whose version is not exactly HTTP/1.0 or HTTP/1.1; a chunk size that is not
   * hex, or a trailer over the header limit; bytes with no request line at all.
   */
  static boolean answeredByTheHttpLayer(byte[] request) {
    String text = new String(request, StandardCharsets.ISO_8859_1);
    if (text.chars().allMatch(c -> c <= ' ')) {
      return true; // no request line yet: control characters before one are skipped (RFC 9112, 2.2), the server waits
    }
    int eol = text.indexOf("\r\n");
    String line = eol < 0 ? text : text.substring(0, eol);
    // Netty splits the request line at runs of spaces ("GET GET  http/1.1" names version http/1.1).
    String[] parts = line.strip().split(" +", -1);
    if (parts.length == 3 && !parts[2].equals("HTTP/1.1") && !parts[2].equals("HTTP/1.0") && parts[2].matches("(?i)http/\\d+\\.\\d+")) {
      return true;
    }
    int body = text.indexOf("\r\n\r\n");
    if (!text.contains("Transfer-Encoding: chunked\r\n") || body < 0) {
      return false;
    }
    String chunks = text.substring(body + 4);
    int last = chunks.indexOf("\r\n0\r\n");
    return !chunks.matches("(?s)[0-9A-Fa-f]{1,8}\r\n.*") || (last >= 0 && chunks.length() - last > 8192);
  }

  void fuzz(Judge judge, int n) throws Exception {
    Iterator<Raw> requests = Gen.stream(request());
    for (int done = 0; done < n; ) {
      judge.beginBatch();
      for (int i = 0; i < RestDoor.BATCH && done < n; i++, done++) {
        Raw r = requests.next();
        judge.judge("raw HTTP", r.label(), RestDoor.outcome(send(r.bytes()), false, r.label().startsWith("HEAD"), false), null, null,
            answeredByTheHttpLayer(r.bytes()) ? Judge.Expect.HTTP_LAYER : Judge.Expect.SAFE);
      }
      judge.endBatch();
    }
  }
}
