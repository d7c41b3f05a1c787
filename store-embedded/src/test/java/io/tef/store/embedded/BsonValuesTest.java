package io.tef.store.embedded;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Decimal128;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import org.h2.mvstore.WriteBuffer;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BsonValuesTest {

  private static final List<Object> VALUES = List.of("b", "a", "", "é", 1, 2, -1, 1L, 3_000_000_000L, 1.0, -0.5,
      true, false, new ObjectId(), new ObjectId(), UUID.randomUUID(), Instant.ofEpochMilli(1_700_000_000_000L),
      new Document("x", 1).append("y", "z"), new Document("x", 2), List.of(1, "two"), new BsonTimestamp(7L),
      new Decimal128(new BigDecimal("1.5")), Missing.getInstance());

  @Test
  void everyKindOfValueComesBackEqual() {
    for (Object value : VALUES) {
      assertEquals(value, BsonValues.decodeValue(BsonValues.encodeValue(value)), () -> "value " + value);
    }
    assertSame(Missing.getInstance(), BsonValues.decodeValue(BsonValues.encodeValue(Missing.getInstance())));
    List<Object> withNull = new ArrayList<>(Arrays.asList("k", null));
    KeyValue key = new KeyValue(withNull);
    assertEquals(key, roundTrip(key));
  }

  @Test
  void orderIsTotalAndEqualityMeansTheSameKey() {
    for (Object a : VALUES) {
      for (Object b : VALUES) {
        int ab = BsonValues.compare(a, b);
        int ba = BsonValues.compare(b, a);
        assertEquals(Integer.signum(ab), -Integer.signum(ba), () -> a + " vs " + b);
        assertEquals(a.equals(b), ab == 0, () -> a + " vs " + b);
        for (Object c : VALUES) {
          if (ab < 0 && BsonValues.compare(b, c) < 0) {
            assertTrue(BsonValues.compare(a, c) < 0, () -> a + " < " + b + " < " + c);
          }
        }
      }
    }
    // Same number, different BSON type: different keys, as Java serialization kept them.
    assertTrue(BsonValues.compare(1, 1L) != 0);
  }

  @Test
  void documentsComeBackEqual() {
    Document doc = new Document("_id", "g1").append("state", "queued").append("priority", 3)
        .append("data", new Document("list", List.of(1, 2L, "x"))).append("at", Instant.ofEpochMilli(5))
        .append("none", null);
    assertEquals(doc, BsonValues.decodeDocument(BsonValues.encodeDocument(doc)));
  }

  @Test
  void keysAreWrittenAsTheirEncodingHasThemAndReadBack() {
    java.util.Random random = new java.util.Random(7);
    List<Object> values = new ArrayList<>(VALUES);
    values.addAll(List.of("suite-1", "x".repeat(300), "\uD83D\uDE00 snow \u2603", "\u00e9t\u00e9", Instant.ofEpochMilli(-1),
        Instant.parse("2026-12-04T23:30:00.123456Z"), Long.MIN_VALUE, Integer.MAX_VALUE, new ObjectId(new byte[12])));
    for (int i = 0; i < 2_000; i++) {
      values.add(randomString(random));
      values.add(random.nextLong());
      values.add(random.nextInt());
      values.add(Instant.ofEpochMilli(random.nextLong() % 100_000_000_000_000L));
      values.add(new ObjectId());
    }
    for (Object value : values) {
      WriteBuffer buffer = new WriteBuffer();
      BsonKeyType.writeValue(buffer, value);
      byte[] encoded = BsonValues.encodeValue(value);
      WriteBuffer expected = new WriteBuffer().putVarInt(encoded.length).put(encoded);
      assertEquals(java.util.HexFormat.of().formatHex(bytes(expected)), java.util.HexFormat.of().formatHex(bytes(buffer)), () -> "bytes of " + value);
      java.nio.ByteBuffer page = java.nio.ByteBuffer.wrap(bytes(buffer));
      Object back = BsonKeyType.readValue(page);
      Object asBefore = BsonValues.decodeValue(encoded);
      assertEquals(asBefore, back, () -> "value " + value);
      assertEquals(0, page.remaining(), () -> "all of " + value + " read");
    }
  }

  @Test
  void documentsAreWrittenByteForByteAsTheServersEncoderWritesThem() {
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < 3_000; i++) {
      Document doc = randomDocument(random, 0);
      io.netty.buffer.ByteBuf theirs = io.netty.buffer.Unpooled.buffer();
      de.bwaldvogel.mongo.wire.bson.BsonEncoder.encodeDocument(doc, theirs);
      byte[] expected = new byte[theirs.readableBytes()];
      theirs.readBytes(expected);
      byte[] ours = BsonValues.encodeDocument(doc);
      assertEquals(java.util.HexFormat.of().formatHex(expected), java.util.HexFormat.of().formatHex(ours), () -> "bytes of " + doc);
    }
  }

  private static Document randomDocument(java.util.Random random, int depth) {
    Document doc = new Document();
    int n = random.nextInt(depth == 0 ? 12 : 5);
    for (int i = 0; i < n; i++) {
      doc.put(random.nextInt(5) == 0 ? randomString(random).replace("\u0000", "") : "k" + i, randomValue(random, depth));
    }
    return doc;
  }

  private static Object randomValue(java.util.Random random, int depth) {
    int kind = random.nextInt(depth < 3 ? 18 : 16);
    return switch (kind) {
      case 0 -> randomString(random);
      case 1 -> random.nextInt();
      case 2 -> random.nextLong();
      case 3 -> random.nextDouble() * 1e6;
      case 4 -> random.nextBoolean();
      case 5 -> null;
      case 6 -> new ObjectId();
      case 7 -> Instant.ofEpochMilli(random.nextLong() % 100_000_000_000_000L);
      case 8 -> UUID.randomUUID();
      case 9 -> -0.0;
      case 10 -> new BsonTimestamp(random.nextLong());
      case 11 -> new Decimal128(new BigDecimal(random.nextInt() + ".25"));
      case 12 -> new de.bwaldvogel.mongo.bson.BsonRegularExpression("a.*" + random.nextInt(9), "i");
      case 13 -> Double.NaN;
      case 14 -> "";
      case 15 -> de.bwaldvogel.mongo.bson.MaxKey.getInstance();
      case 16 -> randomDocument(random, depth + 1);
      default -> {
        List<Object> list = new ArrayList<>();
        int m = random.nextInt(5);
        for (int j = 0; j < m; j++) {
          list.add(randomValue(random, depth + 1));
        }
        yield list;
      }
    };
  }

  private static String randomString(java.util.Random random) {
    StringBuilder s = new StringBuilder();
    int n = random.nextInt(40);
    for (int i = 0; i < n; i++) {
      s.appendCodePoint(random.nextInt(4) == 0 ? random.nextInt(0x10FFFF) : 32 + random.nextInt(95));
    }
    return s.toString();
  }

  private static byte[] bytes(WriteBuffer buffer) {
    java.nio.ByteBuffer b = buffer.getBuffer().duplicate().flip();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private static KeyValue roundTrip(KeyValue key) {
    WriteBuffer buffer = new WriteBuffer();
    KeyValueType.INSTANCE.write(buffer, key);
    return KeyValueType.INSTANCE.read(buffer.getBuffer().flip());
  }
}
