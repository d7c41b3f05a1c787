package io.tef.store.embedded;

import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.wire.BsonConstants;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Document ids and index positions in the store file: BSON values compared as values. H2's
 * default type compares anything it does not know (such as the server's own id classes) by
 * serializing both sides with Java serialization on every comparison.
 */
final class BsonKeyType extends BasicDataType<Object> {

  static final BsonKeyType INSTANCE = new BsonKeyType();

  private BsonKeyType() {
  }

  @Override
  public int compare(Object a, Object b) {
    return BsonValues.compare(a, b);
  }

  @Override
  public int getMemory(Object value) {
    return value instanceof String s ? 40 + 2 * s.length() : 64;
  }

  @Override
  public void write(WriteBuffer buffer, Object value) {
    writeValue(buffer, value);
  }

  @Override
  public Object read(ByteBuffer buffer) {
    return readValue(buffer);
  }

  @Override
  public Object[] createStorage(int size) {
    return new Object[size];
  }

  /**
   * The length, then {@link BsonValues#encodeValue}'s bytes. The kinds every task's keys are made
   * of (ids, suites, dates, numbers) are written here byte for byte as that encoding has them,
   * without its buffer: H2 writes every key of each page a commit changes, and through a Netty
   * buffer each byte paid an accessibility check.
   */
  static void writeValue(WriteBuffer buffer, Object value) {
    if (value instanceof ObjectId id) {
      buffer.putVarInt(1 + 12).put(BsonConstants.TYPE_OBJECT_ID).put(id.toByteArray());
    } else if (value instanceof String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      buffer.putVarInt(1 + 4 + utf8.length + 1).put(BsonConstants.TYPE_UTF8_STRING)
          .putInt(Integer.reverseBytes(utf8.length + 1)).put(utf8).put((byte) 0);
    } else if (value instanceof Instant t) {
      buffer.putVarInt(1 + 8).put(BsonConstants.TYPE_UTC_DATETIME).putLong(Long.reverseBytes(t.toEpochMilli()));
    } else if (value instanceof Long l) {
      buffer.putVarInt(1 + 8).put(BsonConstants.TYPE_INT64).putLong(Long.reverseBytes(l));
    } else if (value instanceof Integer i) {
      buffer.putVarInt(1 + 4).put(BsonConstants.TYPE_INT32).putInt(Integer.reverseBytes(i));
    } else {
      byte[] bytes = BsonValues.encodeValue(value);
      buffer.putVarInt(bytes.length).put(bytes);
    }
  }

  /** The value {@link #writeValue} wrote; the same kinds read straight from the page's buffer. */
  static Object readValue(ByteBuffer buffer) {
    int length = DataUtils.readVarInt(buffer);
    byte type = buffer.get(buffer.position());
    if (type == BsonConstants.TYPE_OBJECT_ID && length == 1 + 12) {
      buffer.get();
      byte[] id = new byte[12];
      buffer.get(id);
      return new ObjectId(id);
    }
    if (type == BsonConstants.TYPE_UTF8_STRING && length >= 1 + 4 + 1
        && Integer.reverseBytes(buffer.getInt(buffer.position() + 1)) == length - 1 - 4) {
      buffer.get();
      int withNul = Integer.reverseBytes(buffer.getInt());
      byte[] utf8 = new byte[withNul - 1];
      buffer.get(utf8).get();
      return new String(utf8, StandardCharsets.UTF_8);
    }
    if (type == BsonConstants.TYPE_UTC_DATETIME && length == 1 + 8) {
      buffer.get();
      return Instant.ofEpochMilli(Long.reverseBytes(buffer.getLong()));
    }
    byte[] bytes = new byte[length];
    buffer.get(bytes);
    return BsonValues.decodeValue(bytes);
  }
}
