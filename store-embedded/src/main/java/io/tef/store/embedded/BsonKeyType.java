package io.tef.store.embedded;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

import java.nio.ByteBuffer;

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

  static void writeValue(WriteBuffer buffer, Object value) {
    byte[] bytes = BsonValues.encodeValue(value);
    buffer.putVarInt(bytes.length).put(bytes);
  }

  static Object readValue(ByteBuffer buffer) {
    byte[] bytes = new byte[DataUtils.readVarInt(buffer)];
    buffer.get(bytes);
    return BsonValues.decodeValue(bytes);
  }
}
