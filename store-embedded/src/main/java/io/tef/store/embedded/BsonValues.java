package io.tef.store.embedded;

import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The store file's encoding of documents and of single values (document ids, index keys): BSON,
 * as on the wire. A value's bytes are its BSON type byte then its BSON value; a missing value and
 * anything BSON cannot carry get type bytes of their own.
 */
final class BsonValues {

  /** Not a BSON type (0 ends a BSON document): a field that is absent, as opposed to null. */
  private static final byte MISSING = 0x00;
  /** Not a BSON type: a value BSON cannot carry, kept with Java serialization. */
  private static final byte SERIALIZED = 0x70;

  private BsonValues() {
  }

  static byte[] encodeDocument(Document document) {
    return BsonWriter.document(document);
  }

  static Document decodeDocument(byte[] bytes) {
    return BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bytes));
  }

  static byte[] encodeValue(Object value) {
    byte type = typeOf(value);
    if (type == MISSING) {
      return new byte[] {MISSING};
    }
    if (type == SERIALIZED) {
      return serialized(value);
    }
    ByteBuf buf = Unpooled.buffer(32);
    buf.writeByte(type);
    BsonEncoder.encodeValue(type, value, buf);
    return bytes(buf);
  }

  static Object decodeValue(byte[] bytes) {
    byte type = bytes[0];
    if (type == MISSING) {
      return Missing.getInstance();
    }
    if (type == SERIALIZED) {
      return deserialized(bytes);
    }
    ByteBuf buf = Unpooled.wrappedBuffer(bytes);
    buf.readByte();
    return BsonDecoder.decodeValue(type, buf);
  }

  /**
   * A total order: by type byte, then strings, ObjectIds, ints and longs by value, anything else by
   * its encoded bytes. Two values compare equal exactly when they are the same key, as Java
   * serialization's byte comparison made them before.
   */
  static int compare(Object a, Object b) {
    if (a == b) {
      return 0;
    }
    if (a instanceof String sa && b instanceof String sb) {
      return sa.compareTo(sb);
    }
    if (a instanceof ObjectId oa && b instanceof ObjectId ob) {
      return oa.compareTo(ob); // task ids: the common case, without finding each one's type
    }
    int byType = Byte.compare(typeOf(a), typeOf(b));
    if (byType != 0) {
      return byType;
    }
    if (a instanceof ObjectId oa) {
      return oa.compareTo((ObjectId) b);
    }
    if (a instanceof Integer ia) {
      return Integer.compare(ia, (Integer) b);
    }
    if (a instanceof Long la) {
      return Long.compare(la, (Long) b);
    }
    return Arrays.compareUnsigned(encodeValue(a), encodeValue(b));
  }

  private static byte typeOf(Object value) {
    if (value instanceof Missing) {
      return MISSING;
    }
    try {
      return BsonEncoder.determineType(value);
    } catch (IllegalArgumentException e) {
      return SERIALIZED;
    }
  }

  private static byte[] bytes(ByteBuf buf) {
    byte[] bytes = new byte[buf.readableBytes()];
    buf.readBytes(bytes);
    return bytes;
  }

  private static byte[] serialized(Object value) {
    var out = new ByteArrayOutputStream();
    out.write(SERIALIZED);
    try (var objects = new ObjectOutputStream(out)) {
      objects.writeObject(value);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store a value of " + value.getClass(), e);
    }
    return out.toByteArray();
  }

  private static Object deserialized(byte[] bytes) {
    try (var objects = new ObjectInputStream(new ByteArrayInputStream(bytes, 1, bytes.length - 1))) {
      return objects.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalStateException("cannot read a stored value: " + e.getMessage(), e);
    }
  }
}
