package io.tef.store.embedded;

import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.wire.BsonConstants;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A document's BSON bytes exactly as the server's {@link BsonEncoder} writes them, into a plain
 * array: every document the store keeps is encoded once per write, and through a Netty buffer
 * each byte paid a bounds and accessibility check. The kinds of value task documents hold are
 * written here; any other (regular expressions, timestamps, decimals, UUIDs, code) is handed to
 * the server's encoder and its bytes copied in.
 */
final class BsonWriter {

  private byte[] bytes = new byte[512];
  private int length;

  static byte[] document(Map<String, ?> document) {
    BsonWriter w = new BsonWriter();
    w.writeDocument(document);
    return Arrays.copyOf(w.bytes, w.length);
  }

  private void writeDocument(Map<String, ?> document) {
    int start = length;
    int32(0); // the size, known at the end
    for (Map.Entry<String, ?> e : document.entrySet()) {
      element(e.getKey(), e.getValue());
    }
    int8(BsonConstants.TERMINATING_BYTE);
    patchSize(start);
  }

  private void writeArray(List<?> values) {
    int start = length;
    int32(0);
    for (int i = 0; i < values.size(); i++) {
      element(String.valueOf(i), values.get(i));
    }
    int8(BsonConstants.TERMINATING_BYTE);
    patchSize(start);
  }

  private void element(String key, Object value) {
    byte type = BsonEncoder.determineType(value);
    int8(type);
    cString(key);
    switch (type) {
      case BsonConstants.TYPE_DOUBLE -> int64(Double.doubleToRawLongBits((Double) value));
      case BsonConstants.TYPE_UTF8_STRING -> string(value.toString());
      case BsonConstants.TYPE_EMBEDDED_DOCUMENT -> {
        @SuppressWarnings("unchecked")
        Map<String, ?> map = (Map<String, ?>) value;
        writeDocument(map);
      }
      case BsonConstants.TYPE_ARRAY -> writeArray(value instanceof List<?> l ? l
          : value instanceof String[] a ? Arrays.asList(a) : List.copyOf((Collection<?>) value));
      case BsonConstants.TYPE_OBJECT_ID -> objectId((ObjectId) value);
      case BsonConstants.TYPE_BOOLEAN -> int8((Boolean) value ? BsonConstants.BOOLEAN_VALUE_TRUE : BsonConstants.BOOLEAN_VALUE_FALSE);
      case BsonConstants.TYPE_UTC_DATETIME -> int64(((Instant) value).toEpochMilli());
      case BsonConstants.TYPE_INT32 -> int32((Integer) value);
      case BsonConstants.TYPE_INT64 -> int64((Long) value);
      case BsonConstants.TYPE_NULL -> { }
      default -> viaServer(type, value);
    }
  }

  private void viaServer(byte type, Object value) {
    ByteBuf buf = Unpooled.buffer(32);
    BsonEncoder.encodeValue(type, value, buf);
    int n = buf.readableBytes();
    room(n);
    buf.readBytes(bytes, length, n);
    length += n;
  }

  private void objectId(ObjectId id) {
    byte[] data = id.toByteArray();
    if (data.length != BsonConstants.LENGTH_OBJECTID) {
      throw new IllegalArgumentException("Illegal ObjectId: " + id);
    }
    raw(data);
  }

  private void string(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    int32(utf8.length + 1);
    raw(utf8);
    int8(BsonConstants.STRING_TERMINATION);
  }

  private void cString(String s) {
    raw(s.getBytes(StandardCharsets.UTF_8));
    int8(BsonConstants.STRING_TERMINATION);
  }

  private void patchSize(int start) {
    int size = length - start;
    bytes[start] = (byte) size;
    bytes[start + 1] = (byte) (size >>> 8);
    bytes[start + 2] = (byte) (size >>> 16);
    bytes[start + 3] = (byte) (size >>> 24);
  }

  private void int8(byte b) {
    room(1);
    bytes[length++] = b;
  }

  private void int32(int v) {
    room(4);
    bytes[length++] = (byte) v;
    bytes[length++] = (byte) (v >>> 8);
    bytes[length++] = (byte) (v >>> 16);
    bytes[length++] = (byte) (v >>> 24);
  }

  private void int64(long v) {
    room(8);
    for (int i = 0; i < 8; i++) {
      bytes[length++] = (byte) (v >>> (8 * i));
    }
  }

  private void raw(byte[] b) {
    room(b.length);
    System.arraycopy(b, 0, bytes, length, b.length);
    length += b.length;
  }

  private void room(int n) {
    if (length + n > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
    }
  }
}
