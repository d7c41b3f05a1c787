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

  private static KeyValue roundTrip(KeyValue key) {
    WriteBuffer buffer = new WriteBuffer();
    KeyValueType.INSTANCE.write(buffer, key);
    return KeyValueType.INSTANCE.read(buffer.getBuffer().flip());
  }
}
