package dev.callmesh.spoke.impl;

import dev.callmesh.operations.OperationRegistry;
import dev.callmesh.operations.OperationSpec;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.ConnectOptions;
import dev.callmesh.protocol.client.Credentials;
import dev.callmesh.protocol.client.HubConnector;
import dev.callmesh.protocol.client.HubSession;
import dev.callmesh.protocol.client.HubUrl;
import dev.callmesh.spoke.Spoke;
import dev.callmesh.spoke.SpokeOptions;
import dev.callmesh.spoke.bash.BashOperations;
import dev.callmesh.spoke.work.SpokeWorkers;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconnect loop around {@link HubConnector}, and the spoke's services and thread pools.
 *
 * <p>The loop walks the hub URLs round robin: it dials the first at start, and after a lost connection or
 * a failed attempt it dials the next. Each dial waits the jittered backoff first; the backoff grows with
 * the rounds through the whole list that failed, so every hub is tried at the shortest delay before the
 * delays grow, and after a loss (the count is reset by every welcome) the next hub is dialled after the
 * base delay, not a grown one. With one URL this is the plain per-attempt backoff.
 */
public final class SpokeImpl implements Spoke {

  private static final Logger log = LoggerFactory.getLogger(SpokeImpl.class);

  private final Vertx vertx;
  private final SpokeOptions options;
  private final ConnectOptions connect;
  private final HubConnector connector;
  private final SpokeWorkers workers;
  private final Promise<HubSession> firstWelcome = Promise.promise();
  private final Promise<String> terminated = Promise.promise();
  private volatile Status status = Status.CONNECTING;
  private volatile HubSession session;
  private final List<HubUrl> urls;
  private int next;
  private volatile HubUrl current;
  private int failures;
  private long timer = -1;

  /**
   * Makes the spoke's pools and the handlers of its services; connects nothing yet.
   *
   * @param vertx the Vert.x instance
   * @param options the spoke's settings, copied
   * @param key the spoke's key pair
   * @throws IllegalArgumentException when the options have no name, or the root is not a directory
   * @throws java.io.UncheckedIOException when the root does not exist
   */
  public SpokeImpl(Vertx vertx, SpokeOptions options, SshKeyPair key) {
    if (options.getName() == null) {
      throw new IllegalArgumentException("a spoke needs a name");
    }
    this.vertx = vertx;
    this.options = new SpokeOptions(options);
    this.urls = this.options.getHubUrls();
    this.current = urls.get(0);
    this.workers = SpokeWorkers.create(vertx, "callmesh-spoke-" + options.getName(), options.getWorkerThreads(),
        options.getStreamThreads());
    OperationRegistry registry;
    try {
      registry = SpokeServices.registry(this.options, workers);
    } catch (RuntimeException e) {
      workers.close();
      throw e;
    }
    JsonArray ops = new JsonArray();
    for (OperationSpec spec : registry.specs()) {
      ops.add(spec.toJson());
    }
    this.connect = new ConnectOptions()
        .setHubUrls(urls)
        .setCredentials(Credentials.key(key))
        .setSshKey(key)
        .setKnownHosts(options.getKnownHosts())
        .setCaFile(options.getCaFile())
        .setClientCert(options.getCertFile(), options.getCertKeyFile())
        .setSpokeName(options.getName())
        .setLabels(options.getLabels())
        .setPool(options.getPool())
        .setOperations(ops)
        .setCallHandler(LoggedCall.around(registry));
    this.connector = new HubConnector(vertx, connect);
  }

  @Override
  public Future<HubSession> start() {
    attempt();
    return firstWelcome.future();
  }

  private void attempt() {
    if (status == Status.CLOSED) {
      return;
    }
    status = Status.CONNECTING;
    HubUrl url = urls.get(next);
    current = url;
    connector.connect(url, connect).onComplete(ar -> {
      if (ar.succeeded()) {
        onWelcome(ar.result(), url);
      } else {
        onFailure(ar.cause());
      }
    });
  }

  /** Moves on to the next hub URL, round robin; the same one when there is only one. */
  private void advance() {
    next = (next + 1) % urls.size();
  }

  private void onWelcome(HubSession s, HubUrl url) {
    if (status == Status.CLOSED) {
      s.close();
      return;
    }
    failures = 0;
    session = s;
    status = Status.CONNECTED;
    log.info("spoke {} connected to {} as {}", options.getName(), url, s.identity());
    firstWelcome.tryComplete(s);
    s.closeFuture().onComplete(v -> {
      session = null;
      JsonObject bye = s.engine().peerBye();
      if (bye != null && ErrorCode.ABORTED.wire().equals(bye.getString("code"))) {
        // The hub let a newer connection of this identity take the name: two spokes must not evict
        // each other forever, so this one stops.
        log.warn("spoke {} was replaced: {}; not reconnecting", options.getName(), bye.getString("message"));
        status = Status.CLOSED;
        terminated.tryComplete(bye.getString("message"));
      } else if (status != Status.CLOSED) {
        advance();
        log.info("spoke {} lost the hub; reconnecting to {} (lost {})", options.getName(), urls.get(next), url);
        scheduleReconnect();
      }
    });
  }

  private void onFailure(Throwable err) {
    if (!HubConnector.unreachable(err) && !firstWelcome.future().isComplete()) {
      status = Status.CLOSED;
      firstWelcome.tryFail(err);
      terminated.tryComplete(err.getMessage());
      return;
    }
    if (failures == 0 || failures % 10 == 0) {
      log.warn("spoke {}: {} (attempt {})", options.getName(), err.getMessage(), failures + 1);
    }
    advance();
    scheduleReconnect();
  }

  private void scheduleReconnect() {
    if (status == Status.CLOSED) {
      return;
    }
    status = Status.DISCONNECTED;
    int rounds = failures / urls.size();
    long ceiling = Math.min(options.getReconnectMaxMs(), options.getReconnectBaseMs() << Math.min(rounds, 20));
    long delay = Math.max(1, (long) (ceiling * (0.5 + 0.5 * ThreadLocalRandom.current().nextDouble())));
    failures++;
    timer = vertx.setTimer(delay, t -> attempt());
  }

  @Override
  public Status status() {
    return status;
  }

  @Override
  public HubSession session() {
    return session;
  }

  @Override
  public HubUrl hubUrl() {
    return current;
  }

  @Override
  public Future<String> terminated() {
    return terminated.future();
  }

  @Override
  public Future<Void> shutdown(java.time.Duration grace) {
    HubSession s = session;
    if (s == null) {
      return close();
    }
    long deadline = System.nanoTime() + grace.toNanos();
    Promise<Void> drained = Promise.promise();
    s.engine().call("/hub/services/register", new JsonObject().put("operations", new JsonArray()))
        .onComplete(ar -> vertx.setPeriodic(0, 50, t -> {
          if (s.engine().inboundCount() == 0 || System.nanoTime() > deadline || s.engine().transport().isClosed()) {
            vertx.cancelTimer(t);
            drained.complete();
          }
        }));
    return drained.future().compose(v -> close());
  }

  @Override
  public Future<Void> close() {
    status = Status.CLOSED;
    terminated.tryComplete("closed");
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    firstWelcome.tryFail(CallException.of(ErrorCode.ABORTED, "the spoke was closed"));
    HubSession s = session;
    Future<Void> closed = s == null ? Future.succeededFuture() : s.close();
    return closed.compose(v -> connector.close()).eventually(this::closeWorkers);
  }

  /** Kills the commands its calls left running (their aborts sent SIGTERM already), then closes the pools. */
  private Future<Void> closeWorkers() {
    return workers.<Void>blocking(() -> {
      BashOperations.killAll(workers);
      return null;
    }).eventually(workers::close);
  }
}
