package io.tef.store.embedded;

import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

import java.nio.ByteBuffer;

/** The suite index's keys in the store file: each part as {@link BsonKeyType} has it. */
final class SuiteIndexKeyType extends BasicDataType<SuiteIndexKey> {

  static final SuiteIndexKeyType INSTANCE = new SuiteIndexKeyType();

  private SuiteIndexKeyType() {
  }

  @Override
  public int compare(SuiteIndexKey a, SuiteIndexKey b) {
    return SuiteIndexKey.compare(a, b);
  }

  @Override
  public int getMemory(SuiteIndexKey key) {
    return 48 + 2 * key.suite().length() + 64 + 64;
  }

  @Override
  public void write(WriteBuffer buffer, SuiteIndexKey key) {
    BsonKeyType.writeValue(buffer, key.suite());
    BsonKeyType.writeValue(buffer, key.createdAt());
    BsonKeyType.writeValue(buffer, key.position());
  }

  @Override
  public SuiteIndexKey read(ByteBuffer buffer) {
    return new SuiteIndexKey((String) BsonKeyType.readValue(buffer), BsonKeyType.readValue(buffer), BsonKeyType.readValue(buffer));
  }

  @Override
  public SuiteIndexKey[] createStorage(int size) {
    return new SuiteIndexKey[size];
  }
}
