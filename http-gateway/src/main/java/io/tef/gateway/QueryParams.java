package io.tef.gateway;

import io.tef.protocol.ValidationException;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * The query parameters a route takes, checked before its handler: an unknown one (a misspelt
 * filter would silently list everything) or one given twice (which value counts would be a
 * guess) is a 400 naming it.
 */
final class QueryParams implements Handler<RoutingContext> {

  static final String UNDECODABLE = "the query string cannot be decoded: a % must start an escape like %2F or %25";

  /** For the routes that take no query parameters. */
  static final QueryParams NONE = new QueryParams(List.of());

  private final List<String> accepted;

  private QueryParams(List<String> accepted) {
    this.accepted = accepted;
  }

  static QueryParams only(String... names) {
    return new QueryParams(List.of(names));
  }

  @Override
  public void handle(RoutingContext ctx) {
    MultiMap params;
    try {
      params = ctx.queryParams();
    } catch (RuntimeException e) {
      throw new ValidationException(null, UNDECODABLE);
    }
    for (String name : params.names()) {
      if (!accepted.contains(name)) {
        throw new ValidationException(name, "unknown query parameter; " + (accepted.isEmpty()
            ? "this route takes none" : "this route takes " + String.join(", ", accepted)));
      }
      int given = params.getAll(name).size();
      if (given > 1) {
        throw new ValidationException(name, "given " + given + " times; give it once");
      }
    }
    ctx.next();
  }
}
