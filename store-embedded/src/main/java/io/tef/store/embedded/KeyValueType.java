package io.tef.store.embedded;

import de.bwaldvogel.mongo.backend.KeyValue;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** The keys of a unique index in the store file: each value as {@link BsonKeyType} has it. */
final class KeyValueType extends BasicDataType<KeyValue> {

  static final KeyValueType INSTANCE = new KeyValueType();

  private KeyValueType() {
  }

  @Override
  public int compare(KeyValue a, KeyValue b) {
    int n = Math.min(a.size(), b.size());
    for (int i = 0; i < n; i++) {
      int c = BsonValues.compare(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  @Override
  public int getMemory(KeyValue key) {
    return 48 + 64 * key.size();
  }

  @Override
  public void write(WriteBuffer buffer, KeyValue key) {
    buffer.putVarInt(key.size());
    for (Object value : key) {
      BsonKeyType.writeValue(buffer, value);
    }
  }

  @Override
  public KeyValue read(ByteBuffer buffer) {
    int size = DataUtils.readVarInt(buffer);
    List<Object> values = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      values.add(BsonKeyType.readValue(buffer));
    }
    return new KeyValue(values);
  }

  @Override
  public KeyValue[] createStorage(int size) {
    return new KeyValue[size];
  }
}
