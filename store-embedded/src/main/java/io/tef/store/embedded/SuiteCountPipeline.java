package io.tef.store.embedded;

import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.bson.Document;

import java.util.Iterator;
import java.util.List;

/**
 * The aggregate that counts one suite's tasks by state, recognised in exactly this shape:
 * {@code [{$match: {suiteGuid: S}}, {$group: {_id: "$state", <field>: {$sum: 1}}}]} with S a
 * string. Any other pipeline is not this one and goes the server's way.
 */
record SuiteCountPipeline(String suite, String countField) {

  /** The pipeline of an {@code aggregate} command, or null when it is not this shape. */
  static SuiteCountPipeline of(Document command) {
    if (Utils.isTrue(command.get("explain")) || !(command.get("pipeline") instanceof List<?> stages) || stages.size() != 2) {
      return null;
    }
    Document filter = onlyDocument(stages.get(0), "$match");
    Document group = onlyDocument(stages.get(1), "$group");
    if (filter == null || filter.size() != 1 || !(filter.get(SuiteIndex.SUITE) instanceof String suite)
        || group == null || group.size() != 2 || !("$" + SuiteIndex.STATE).equals(group.get("_id"))) {
      return null;
    }
    Iterator<String> fields = group.keySet().iterator();
    String field = fields.next();
    if (field.equals("_id")) {
      field = fields.next();
    }
    return group.get(field) instanceof Document sum && sum.size() == 1 && Integer.valueOf(1).equals(sum.get("$sum"))
        ? new SuiteCountPipeline(suite, field) : null;
  }

  /** One group of the answer, as the server writes it: its count an int while it fits one. */
  Document row(String state, long count) {
    return new Document("_id", state).append(countField, count <= Integer.MAX_VALUE ? (Object) (int) count : (Object) count);
  }

  /** The value of the only field of {@code stage}, if that field is {@code name} and its value a document. */
  private static Document onlyDocument(Object stage, String name) {
    return stage instanceof Document d && d.size() == 1 && d.get(name) instanceof Document value ? value : null;
  }
}
