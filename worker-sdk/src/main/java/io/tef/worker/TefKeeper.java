package io.tef.worker;

import io.tef.protocol.Addresses;
import io.tef.protocol.worker.ResultsQuery;
import io.tef.protocol.task.ResultPosition;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A keeper: a result handler for task types. It receives every terminal task (completed, failed,
 * cancelled) of its types at least once, also those that finished while it was down: it keeps a
 * checkpoint in the store under its name and catches up from there when it starts.
 *
 * <pre>{@code
 * TefKeeper keeper = TefKeeper.builder("billing-keeper")
 *     .keep("email", task -> bill(task.guid(), task.result()))   // Future<Void>: handled once it succeeds
 *     .build();
 * vertx.deployVerticle(keeper);
 * keeper.caughtUp().onSuccess(...);   // every result it missed has been handed out
 * }</pre>
 *
 * <p>On start it subscribes to {@code tef.events.tasks} (live results wait while it catches up),
 * loads its checkpoint, reads the results after it from the store oldest first, page by page,
 * then hands out the live ones. Results are handled one at a time, in finish order; one that
 * comes both live and from the store is handled once. The checkpoint moves only over results
 * whose handler succeeded (or that were given up on after the retries) and is saved at most
 * once a second and when the keeper stops.
 *
 * <p>At-least-once: after a crash, results handled since the last save are handled again; a
 * handler should tolerate seeing a task twice. Run one instance per keeper name. A verticle, so
 * that its state lives on one event loop.
 */
public final class TefKeeper extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(TefKeeper.class);
  private static final long REQUEST_TIMEOUT_MS = 10_000;
  private static final long RETRY_DELAY_MS = 1_000;
  private static final long SAVE_INTERVAL_MS = 1_000;

  private final String name;
  private final Map<String, ResultHandler> handlers;
  private final boolean fromBeginning;
  private final int pageSize;
  private final int retries;
  private final long retryBackoffMs;
  private final long handlerTimeoutMs;
  private final long settleMs;
  private final Promise<Void> caughtUp = Promise.promise();

  private Context context;
  private MessageConsumer<JsonObject> consumer;
  private KeeperQueue queue;
  /** Live results that came before the checkpoint was loaded; handed to the queue once it exists. */
  private final List<FinishedTask> early = new ArrayList<>();
  private volatile ResultPosition saved;
  private boolean loadingPage;
  /** The save under way, if any: saves go one at a time so an older one never lands last. */
  private Future<Void> saving = Future.succeededFuture();
  private boolean stopped;
  private long saveTimer = -1;
  private long retryTimer = -1;
  private Promise<Void> inFlightDone;

  private TefKeeper(Builder b) {
    this.name = b.name;
    this.handlers = Map.copyOf(b.handlers);
    this.fromBeginning = b.fromBeginning;
    this.pageSize = b.pageSize;
    this.retries = b.retries;
    this.retryBackoffMs = b.retryBackoff.toMillis();
    this.handlerTimeoutMs = b.handlerTimeout.toMillis();
    this.settleMs = b.settle.toMillis();
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  public String name() {
    return name;
  }

  /** Completes once every result the keeper missed has been handed out (live ones follow from then on). */
  public Future<Void> caughtUp() {
    return caughtUp.future();
  }

  /** The checkpoint last saved in the store, or null; read it from the keeper's context. */
  public ResultPosition savedCheckpoint() {
    return saved;
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    consumer = vertx.eventBus().consumer(Addresses.EVENTS_TASKS, m -> onLive(m.body()));
    return consumer.completion().onSuccess(v -> {
      loadCheckpoint();
      saveTimer = vertx.setPeriodic(SAVE_INTERVAL_MS, id -> saveIfMoved());
    });
  }

  private void onLive(JsonObject view) {
    FinishedTask task = mine(view);
    if (task == null || stopped) {
      return;
    }
    if (queue == null) {
      early.add(task);
    } else {
      queue.offer(task, nowMs());
      pump();
    }
  }

  private FinishedTask mine(JsonObject view) {
    FinishedTask task;
    try {
      task = FinishedTask.fromView(view);
    } catch (RuntimeException e) {
      LOG.debug("Keeper {} ignored an unreadable task event: {}", name, e.getMessage());
      return null;
    }
    return task != null && handlers.containsKey(task.taskType()) ? task : null;
  }

  private void loadCheckpoint() {
    if (stopped) {
      return;
    }
    JsonObject load = new JsonObject().put("action", "load").put("keeper", name);
    vertx.eventBus().<JsonObject>request(Addresses.KEEPERS_CHECKPOINT, load, timeout())
        .compose(reply -> {
          JsonObject c = reply.body().getJsonObject("checkpoint");
          if (c != null) {
            LOG.info("Keeper {} catches up from {} {}", name, c.getString("finished_at"), c.getString("guid"));
            if (!new java.util.HashSet<>(c.getJsonArray("task_types", new JsonArray()).getList()).equals(handlers.keySet())) {
              LOG.info("Keeper {} keeps {} now, {} before: a type it did not keep starts at the checkpoint",
                  name, handlers.keySet(), c.getJsonArray("task_types"));
            }
            return Future.succeededFuture(ResultsQuery.position(c, "checkpoint."));
          }
          if (fromBeginning) {
            LOG.info("Keeper {} has no checkpoint: it starts with the oldest result", name);
            return Future.succeededFuture((ResultPosition) null);
          }
          // Saved at once, so a keeper that dies before handling anything still catches up from here.
          ResultPosition now = new ResultPosition(Instant.now().truncatedTo(ChronoUnit.MILLIS), "");
          LOG.info("Keeper {} has no checkpoint: it starts with results finishing from now ({})", name, now.finishedAt());
          return save(now).map(now);
        })
        .onSuccess(this::begin)
        .onFailure(err -> {
          LOG.info("Keeper {} could not load its checkpoint yet ({}); trying again", name, err.getMessage());
          vertx.setTimer(RETRY_DELAY_MS, id -> loadCheckpoint());
        });
  }

  private void begin(ResultPosition checkpoint) {
    if (stopped) {
      return;
    }
    saved = checkpoint;
    queue = new KeeperQueue(checkpoint);
    long now = nowMs();
    early.forEach(t -> queue.offer(t, now));
    early.clear();
    pump();
  }

  /** Hands out the next result if none is being handled; reads the next catch-up page when it must. */
  private void pump() {
    if (stopped || queue == null) {
      return;
    }
    FinishedTask next = queue.next();
    if (next != null) {
      inFlightDone = Promise.promise();
      deliver(next, 1);
    } else if (queue.needsPage() && !loadingPage) {
      readPage();
    }
  }

  private void readPage() {
    loadingPage = true;
    ResultsQuery q = new ResultsQuery(new ArrayList<>(handlers.keySet()), queue.cursor(), pageSize);
    vertx.eventBus().<JsonObject>request(Addresses.KEEPERS_RESULTS, q.toJson(), timeout())
        .onComplete(ar -> {
          loadingPage = false;
          if (stopped) {
            return;
          }
          if (ar.failed()) {
            LOG.info("Keeper {} could not read missed results yet ({}); trying again", name, ar.cause().getMessage());
            vertx.setTimer(RETRY_DELAY_MS, id -> pump());
            return;
          }
          JsonArray results = ar.result().body().getJsonArray("results", new JsonArray());
          long now = nowMs();
          ResultPosition last = null;
          for (Object o : results) {
            FinishedTask t = o instanceof JsonObject v ? mine(v) : null;
            if (t != null) {
              queue.offer(t, now);
              last = t.position();
            }
          }
          queue.pageRead(last);
          if (last == null && !results.isEmpty()) {
            // Nothing readable to move the cursor by: reading on would return the same page.
            LOG.warn("Keeper {} could not read the results it was sent; it goes on with live results", name);
          }
          if (results.size() < pageSize || last == null) {
            queue.caughtUp();
            LOG.info("Keeper {} caught up; {} results wait", name, queue.waiting());
            caughtUp.tryComplete();
          }
          pump();
        });
  }

  private void deliver(FinishedTask task, int attempt) {
    Future<Void> outcome;
    try {
      outcome = handlers.get(task.taskType()).handle(task);
      if (outcome == null) {
        outcome = Future.failedFuture("the handler returned null instead of a future");
      }
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    outcome.timeout(handlerTimeoutMs, TimeUnit.MILLISECONDS)
        .onComplete(ar -> onContext(() -> handled(task, attempt, ar.succeeded() ? null : ar.cause())));
  }

  private void handled(FinishedTask task, int attempt, Throwable failure) {
    if (failure == null) {
      finishInFlight();
      return;
    }
    if (stopped) {
      // Not acknowledged: the next start hands it out again.
      queue.dropInFlight();
      inFlightDone.tryComplete();
      return;
    }
    if (attempt <= retries) {
      long delay = retryBackoffMs << (attempt - 1);
      LOG.warn("Keeper {}: handling task {} failed (try {} of {}): {}; again in {} ms", name, task.guid(), attempt,
          retries + 1, failure.getMessage(), delay);
      retryTimer = vertx.setTimer(delay, id -> {
        retryTimer = -1;
        deliver(task, attempt + 1);
      });
      return;
    }
    LOG.warn("Keeper {}: handling task {} failed {} times, the last: {}; skipped, it will not be handed out again",
        name, task.guid(), attempt, failure.getMessage());
    finishInFlight();
  }

  private void finishInFlight() {
    queue.done();
    inFlightDone.tryComplete();
    // A later turn: a handler that completes at once would otherwise recurse through the whole queue.
    context.runOnContext(v -> pump());
  }

  private void saveIfMoved() {
    if (queue == null || !saving.isComplete()) {
      return;
    }
    queue.advance(nowMs(), settleMs);
    ResultPosition c = queue.checkpoint();
    if (c != null && !c.equals(saved)) {
      saving = save(c);
    }
  }

  private Future<Void> save(ResultPosition position) {
    JsonObject body = ResultsQuery.positionJson(position).put("action", "save").put("keeper", name)
        .put("task_types", new JsonArray(new ArrayList<>(handlers.keySet())));
    return vertx.eventBus().<JsonObject>request(Addresses.KEEPERS_CHECKPOINT, body, timeout())
        .onSuccess(r -> saved = position)
        .onFailure(err -> LOG.info("Keeper {} could not save its checkpoint ({}); trying again", name, err.getMessage()))
        .mapEmpty();
  }

  /**
   * Stops taking results, lets the one being handled finish (up to the handler timeout), waits
   * until what was handled has settled (up to the settle time) and saves the checkpoint.
   */
  @Override
  public Future<?> stop() {
    stopped = true;
    caughtUp.tryFail("stopped");
    if (saveTimer >= 0) {
      vertx.cancelTimer(saveTimer);
    }
    Future<Void> unregister = consumer == null ? Future.succeededFuture() : consumer.unregister();
    if (queue == null) {
      return unregister;
    }
    if (retryTimer >= 0 && vertx.cancelTimer(retryTimer)) {
      queue.dropInFlight(); // between retries: not acknowledged, handed out again next time
      inFlightDone.tryComplete();
    }
    Future<Void> idle = inFlightDone == null ? Future.succeededFuture()
        : inFlightDone.future().timeout(handlerTimeoutMs, TimeUnit.MILLISECONDS).otherwiseEmpty();
    return unregister.otherwiseEmpty()
        .compose(v -> idle)
        .compose(v -> saving.otherwiseEmpty())
        .compose(v -> {
          long wait = queue.unsettledMs(nowMs(), settleMs);
          return wait > 0 ? vertx.timer(wait).<Void>mapEmpty() : Future.<Void>succeededFuture();
        })
        .compose(v -> {
          queue.advance(nowMs(), settleMs);
          ResultPosition c = queue.checkpoint();
          return c == null || c.equals(saved) ? Future.<Void>succeededFuture() : save(c);
        })
        .otherwiseEmpty();
  }

  private void onContext(Runnable r) {
    if (Vertx.currentContext() == context) {
      r.run();
    } else {
      context.runOnContext(v -> r.run());
    }
  }

  private static long nowMs() {
    return System.nanoTime() / 1_000_000;
  }

  private static DeliveryOptions timeout() {
    return new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT_MS);
  }

  /** Names the keeper, its handlers and how it behaves. */
  public static final class Builder {
    private final String name;
    private final Map<String, ResultHandler> handlers = new LinkedHashMap<>();
    private boolean fromBeginning;
    private int pageSize = 500;
    private int retries = 3;
    private Duration retryBackoff = Duration.ofSeconds(1);
    private Duration handlerTimeout = Duration.ofSeconds(60);
    private Duration settle = Duration.ofSeconds(2);

    private Builder(String name) {
      if (name == null || !name.matches("[A-Za-z0-9_.:-]{1,200}")) {
        throw new IllegalArgumentException("keeper name must be 1 to 200 characters of letters, digits and _ . : -, got '" + name + "'");
      }
      this.name = name;
    }

    /** Handles the results of one task type. */
    public Builder keep(String taskType, ResultHandler handler) {
      if (taskType == null || !taskType.matches("[A-Za-z0-9_.:-]{1,200}")) {
        throw new IllegalArgumentException("task type must be 1 to 200 characters of letters, digits and _ . : -, got '" + taskType + "'");
      }
      handlers.put(taskType, java.util.Objects.requireNonNull(handler, "handler"));
      return this;
    }

    /**
     * A keeper without a checkpoint (its first start) handles every stored result of its types,
     * oldest first. Without this it starts with results finishing from its first start.
     */
    public Builder fromBeginning() {
      this.fromBeginning = true;
      return this;
    }

    /** Results read from the store per request while catching up (1–1000, default 500). */
    public Builder pageSize(int n) {
      if (n < 1 || n > ResultsQuery.MAX_LIMIT) {
        throw new IllegalArgumentException("page size must be between 1 and " + ResultsQuery.MAX_LIMIT + ", got " + n);
      }
      this.pageSize = n;
      return this;
    }

    /** A failed handler is tried again this many times (default 3), waiting {@code backoff}, doubled each time, in between. */
    public Builder retries(int n, Duration backoff) {
      if (n < 0 || backoff.isNegative()) {
        throw new IllegalArgumentException("retries and backoff must not be negative");
      }
      this.retries = n;
      this.retryBackoff = backoff;
      return this;
    }

    /** A handler whose future has not completed after this long (default 60 s) has failed. */
    public Builder handlerTimeout(Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("handler timeout must be positive");
      }
      this.handlerTimeout = d;
      return this;
    }

    /**
     * How long after a result was received the checkpoint may pass it (default 2 s): a result
     * stamped earlier whose store write lands later must arrive within this time to be safe.
     */
    public Builder settle(Duration d) {
      if (d.isNegative()) {
        throw new IllegalArgumentException("settle must not be negative");
      }
      this.settle = d;
      return this;
    }

    public TefKeeper build() {
      if (handlers.isEmpty()) {
        throw new IllegalArgumentException("a keeper needs at least one task type to keep");
      }
      return new TefKeeper(this);
    }
  }
}
