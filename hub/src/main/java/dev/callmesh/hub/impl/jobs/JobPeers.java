package dev.callmesh.hub.impl.jobs;

import dev.callmesh.hub.impl.HubCluster;
import dev.callmesh.operations.OperationContext;
import dev.callmesh.operations.OutputSink;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.call.CallObserver;
import dev.callmesh.protocol.call.CallRequest;
import dev.callmesh.protocol.call.OutboundCall;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The jobs the other hubs of a cluster hold. Each hub keeps the jobs it started in its own database; a hub
 * asked for a job it does not hold asks the others ({@code /hub/jobs/get} over the links between hubs, the
 * caller's identity stamped by this hub), and the one that holds it answers. The owner check is the holding
 * hub's (the identity must match); the rights check is this hub's, which knows the caller's key and token:
 * a job of an operation the caller may not call now is NOT_FOUND, as locally. Standalone, there is no one to
 * ask and every lookup is NOT_FOUND at once.
 */
public final class JobPeers {

  /** How long a hub that holds no job waits for the others' answers. */
  static final long PEER_TIMEOUT_MS = 5_000;

  private final HubCluster cluster;

  /** @param cluster the hub's place among hubs */
  public JobPeers(HubCluster cluster) {
    this.cluster = cluster;
  }

  private CallRequest request(JobCaller caller, String op, JsonObject input, boolean stream) {
    JsonObject payload = new JsonObject().put("operationId", JobOperations.PREFIX + op).put("input", input)
        .put("caller", new JsonObject().put("id", caller.identity()).put("spoke", (String) null));
    if (stream) {
      payload.put("window", 64);
    } else {
      payload.put("timeoutMs", PEER_TIMEOUT_MS);
    }
    return CallRequest.of(payload);
  }

  private Future<Object> ask(String hub, JobCaller caller, String op, JsonObject input) {
    Promise<Object> answer = Promise.promise();
    try {
      cluster.openOnPeer(hub, request(caller, op, input, false), false, CallObserver.completing(answer));
    } catch (RuntimeException e) {
      answer.tryFail(e);
    }
    return answer.future();
  }

  /** A job found on another hub: which hub, and what its {@code /hub/jobs/get} said. */
  record Found(String hub, JsonObject job) {
  }

  /**
   * @return a future of the hub that holds the job and the job, if the caller owns it and may call its
   *     operation now; failed NOT_FOUND otherwise (also when no hub answers in time)
   */
  Future<Found> find(JobCaller caller, String job) {
    return cluster.peers().compose(hubs -> {
      Promise<Found> found = Promise.promise();
      if (hubs.isEmpty()) {
        return Future.failedFuture(JobService.notFound(job));
      }
      List<Future<Object>> asked = new ArrayList<>();
      for (String hub : hubs) {
        Future<Object> f = ask(hub, caller, "get", new JsonObject().put("job", job));
        f.onSuccess(out -> {
          JsonObject rec = (JsonObject) out;
          if (caller.mayCall().test(rec.getString("operationId"))) {
            found.tryComplete(new Found(hub, rec));
          }
        });
        asked.add(f);
      }
      Future.join(asked).onComplete(all -> found.tryFail(JobService.notFound(job)));
      return found.future();
    });
  }

  /** @return a future of the job as {@code /hub/jobs/get} answers, from the hub that holds it */
  Future<Object> get(JobCaller caller, String job) {
    return find(caller, job).map(Found::job);
  }

  /** @return a future of {@code {"job","state"}} after aborting the job on the hub that holds it */
  Future<Object> abort(JobCaller caller, String job) {
    return find(caller, job).compose(f -> ask(f.hub(), caller, "abort", new JsonObject().put("job", job)));
  }

  /**
   * @param local this hub's own list of the caller's jobs
   * @return a future of the caller's jobs on every hub, newest first, at most {@code limit}; a hub that does
   *     not answer in time is left out
   */
  Future<Object> list(JobCaller caller, JsonObject input, JsonObject local, int limit) {
    return cluster.peers().compose(hubs -> {
      List<Future<Object>> asked = new ArrayList<>();
      for (String hub : hubs) {
        asked.add(ask(hub, caller, "list", input));
      }
      return Future.join(asked).transform(ar -> {
        List<JsonObject> all = new ArrayList<>();
        local.getJsonArray("jobs").forEach(j -> all.add((JsonObject) j));
        for (Future<Object> f : asked) {
          if (f.succeeded()) {
            ((JsonObject) f.result()).getJsonArray("jobs").stream().map(JsonObject.class::cast)
                .filter(j -> caller.mayCall().test(j.getString("operationId"))).forEach(all::add);
          }
        }
        all.sort(Comparator.comparing((JsonObject j) -> j.getString("startedAt")).reversed());
        return Future.succeededFuture(new JsonObject().put("jobs", new JsonArray(all.subList(0, Math.min(limit, all.size())))));
      });
    });
  }

  /**
   * Watches a job another hub holds: its outputs are passed on as they come, credited as the caller's
   * call takes them, and the watch ends as the job does. Aborting the caller's call stops it.
   */
  void watch(JobCaller caller, String job, long from, OutputSink sink, OperationContext ctx) {
    find(caller, job).onFailure(sink::fail).onSuccess(f -> {
      PeerWatch watch = new PeerWatch(sink);
      watch.call = cluster.openOnPeer(f.hub(),
          request(caller, "watch", new JsonObject().put("job", job).put("from", from), true), true, watch);
      ctx.onAbort(reason -> watch.call.abort(reason));
      sink.drainHandler(v -> watch.drained());
      watch.drained();
    });
  }

  /** A watch relayed from the hub that holds the job: credit goes back as the caller's call takes outputs. */
  private static final class PeerWatch implements CallObserver {
    private final OutputSink sink;
    private final java.util.concurrent.atomic.AtomicInteger owed = new java.util.concurrent.atomic.AtomicInteger();
    volatile OutboundCall call;

    PeerWatch(OutputSink sink) {
      this.sink = sink;
    }

    @Override
    public void onResponded(Object output) {
      sink.emit(output);
      OutboundCall c = call;
      if (c == null || sink.writeQueueFull()) {
        owed.incrementAndGet(); // credited once the call is known, or the caller's queue drains
      } else {
        c.credit(1);
      }
    }

    void drained() {
      int n = owed.getAndSet(0);
      if (n > 0 && call != null) {
        call.credit(n);
      }
    }

    @Override
    public void onCompleted() {
      sink.complete();
    }

    @Override
    public void onError(CallException e) {
      sink.fail(e);
    }
  }

  /** @return whether the failure means "no such job of yours here" */
  static boolean notHere(Throwable e) {
    return e instanceof CallException ce && ce.is(ErrorCode.NOT_FOUND);
  }
}
