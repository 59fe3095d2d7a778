package dev.callmesh.client.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallOptions;
import dev.callmesh.client.CallmeshClient;
import dev.callmesh.client.ClientEvent;
import dev.callmesh.client.ClientOptions;
import dev.callmesh.operations.OperationType;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.call.CallStream;
import dev.callmesh.protocol.client.ConnectOptions;
import dev.callmesh.protocol.client.Credentials;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Retries against a {@link FakeHub}: a query is tried again on a retryable error until it succeeds, learning
 * its type from the hub; a mutation only when asked; a non-retryable code never; a subscription only before
 * its first output. After each test nothing is left pending.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClientRetryTest {

  private static final JsonObject IN = new JsonObject().put("path", "a.txt");

  FakeHub hub;
  CallmeshClient client;
  final List<ClientEvent> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start(Vertx vertx) {
    hub = new FakeHub(vertx).listen();
    client = CallmeshClient.connect(vertx, new ClientOptions(new ConnectOptions().setHubUrl(hub.url())
        .setCredentials(Credentials.token("t"))).setRetryBaseMs(20).setRetryMaxMs(100)).await();
    client.eventHandler(events::add);
  }

  @AfterEach
  void stop() {
    assertEquals(0, client.engine().pendingCount(), "a call was left pending");
    client.close().await();
  }

  /** Answers the first {@code failures} calls of the path with {@code code}, then with an output. */
  private void failFirst(int failures, String code) {
    AtomicInteger n = new AtomicInteger();
    hub.behaviour = p -> n.incrementAndGet() <= failures ? FakeHub.Reply.error(code, true)
        : FakeHub.Reply.output(new JsonObject().put("size", 1));
  }

  static CallException failure(Future<?> f) throws Exception {
    Throwable t = f.toCompletionStage().toCompletableFuture().handle((ok, e) -> e).get(20, TimeUnit.SECONDS);
    assertTrue(t instanceof CallException, "expected a CallException, got " + t);
    return (CallException) t;
  }

  @Test
  void aQueryIsTriedAgainOnEachRetryableCodeUntilItAnswers() {
    hub.opTypes.put("/dev1/x/get", "query");
    for (String code : new String[] {"UNAVAILABLE", "TIMEOUT", "RESOURCE_EXHAUSTED"}) {
      long before = hub.count("/dev1/x/get");
      events.clear();
      failFirst(2, code);
      Object out = client.call("/dev1/x/get", IN).await();
      assertEquals(1, ((JsonObject) out).getInteger("size"), code);
      assertEquals(3, hub.count("/dev1/x/get") - before, code + ": two failures, then the answer");
      assertEquals(2, events.stream().filter(e -> e.kind() == ClientEvent.Kind.RETRYING).count(), events.toString());
    }
    // The type was asked once and remembered.
    assertEquals(1, hub.count("/services/schema"));
    // Each retry carries what is left of the call's deadline, never more than the default 30 s.
    long sent = hub.requests.get(hub.requests.size() - 1).getLong("timeoutMs");
    assertTrue(sent > 25_000 && sent <= 30_000, "timeoutMs of the last attempt: " + sent);
  }

  @Test
  void aMutationIsNotTriedAgainUnlessTheCallerAsks() throws Exception {
    hub.opTypes.put("/dev1/x/put", "mutation");
    failFirst(1, "UNAVAILABLE");
    CallException e = failure(client.call("/dev1/x/put", IN));
    assertEquals("UNAVAILABLE", e.code());
    assertEquals(1, hub.count("/dev1/x/put"));
    failFirst(2, "UNAVAILABLE");
    Object out = client.call("/dev1/x/put", IN, CallOptions.retries(5).setRetryMutations(true)).await();
    assertEquals(1, ((JsonObject) out).getInteger("size"));
    assertEquals(1 + 3, hub.count("/dev1/x/put"));
  }

  @Test
  void nonRetryableCodesAreNeverTriedAgainEvenWhenAllowed() throws Exception {
    for (String code : new String[] {"NOT_FOUND", "INVALID_INPUT", "FORBIDDEN", "INTERNAL", "ABORTED"}) {
      hub.requests.clear();
      hub.behaviour = p -> FakeHub.Reply.error(code, true); // the flag lies: the code decides
      CallException e = failure(client.call("/dev1/x/get", IN, CallOptions.retries(5).setRetryMutations(true)
          .setOperationType(OperationType.QUERY)));
      assertEquals(code, e.code());
      assertEquals(1, hub.count("/dev1/x/get"), code);
    }
  }

  @Test
  void retriesStopAtTheirNumberAndTheErrorSaysHowManyAttemptsWereMade() throws Exception {
    hub.behaviour = p -> FakeHub.Reply.error("UNAVAILABLE", true);
    CallException e = failure(client.call("/dev1/x/get", IN, CallOptions.retries(2).setOperationType(OperationType.QUERY)));
    assertEquals("UNAVAILABLE", e.code());
    assertTrue(e.retryable());
    assertTrue(e.getMessage().endsWith("(after 3 attempts)"), e.getMessage());
    assertEquals(3, hub.count("/dev1/x/get"));
    hub.requests.clear();
    failure(client.call("/dev1/x/get", IN, CallOptions.retries(0).setOperationType(OperationType.QUERY)));
    assertEquals(1, hub.count("/dev1/x/get"));
  }

  @Test
  void whenTheHubCannotSayTheStandardSpecOfTheSpokeRelativeNameDecides() throws Exception {
    // No spoke dev1 for /services/schema to describe: /fs/stat is a standard query, /custom/op is unknown.
    failFirst(1, "UNAVAILABLE");
    assertEquals(1, ((JsonObject) client.call("/dev1/fs/stat", IN).await()).getInteger("size"));
    assertEquals(2, hub.count("/dev1/fs/stat"));
    failFirst(1, "UNAVAILABLE");
    assertEquals("UNAVAILABLE", failure(client.call("/dev1/custom/op", IN)).code());
    assertEquals(1, hub.count("/dev1/custom/op"), "an operation of unknown type is not tried again");
    assertEquals(OperationType.QUERY, client.operationType("/hub/spokes/list").await(), "the hub's own, known");
    assertEquals(null, client.operationType("/dev1/custom/op").await());
  }

  @Test
  void theDeadlineBoundsEveryAttemptAndTheWaitsBetween() throws Exception {
    hub.behaviour = p -> FakeHub.Reply.error("UNAVAILABLE", true);
    long t0 = System.nanoTime();
    CallException e = failure(client.call("/dev1/x/get", IN, CallOptions.retries(100).setTimeoutMs(400)
        .setOperationType(OperationType.QUERY)));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals("UNAVAILABLE", e.code());
    assertTrue(ms < 1_000, "took " + ms + " ms");
    for (JsonObject r : hub.requests) {
      assertTrue(r.getLong("timeoutMs") <= 400, r.encode());
    }
  }

  @Test
  void aSubscriptionIsTriedAgainOnlyWhenAskedAndOnlyBeforeItsFirstOutput() throws Exception {
    AtomicInteger n = new AtomicInteger();
    hub.behaviour = p -> n.incrementAndGet() == 1 ? FakeHub.Reply.error("UNAVAILABLE", true)
        : FakeHub.Reply.outputs("a", "b");
    JsonObject req = new JsonObject().put("operationId", "/dev1/x/watch").put("input", IN);
    contextOfStreams = client.engine().transport().context();
    List<Object> seen = drain(client.subscribe(req, 8, new CallOptions().setRetryMutations(true)));
    assertEquals(List.of("a", "b", "end"), seen);
    assertEquals(2, hub.count("/dev1/x/watch"));

    n.set(0);
    hub.requests.clear();
    hub.behaviour = p -> FakeHub.Reply.error("UNAVAILABLE", true);
    assertEquals(List.of("UNAVAILABLE"), drain(client.subscribe(req, 8)), "not asked: not tried again");
    assertEquals(1, hub.count("/dev1/x/watch"));

    hub.requests.clear();
    hub.behaviour = p -> FakeHub.Reply.outputsThenError("UNAVAILABLE", "a");
    assertEquals(List.of("a", "UNAVAILABLE"), drain(client.subscribe(req, 8, new CallOptions().setRetryMutations(true))),
        "after an output, never again");
    assertEquals(1, hub.count("/dev1/x/watch"));
  }

  private static io.vertx.core.Context contextOfStreams;

  /** @return the outputs of the stream, then "end" or the error's code */
  private List<Object> drain(CallStream stream) throws Exception {
    List<Object> seen = new CopyOnWriteArrayList<>();
    java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
    stream.handler(out -> {
      // The stream's events come on the connection's context, which is the client's own.
      assertTrue(io.vertx.core.Vertx.currentContext() == contextOfStreams, "an output on another context");
      seen.add(out);
    })
        .endHandler(v -> {
          seen.add("end");
          done.complete(null);
        })
        .exceptionHandler(e -> {
          seen.add(((CallException) e).code());
          done.complete(null);
        });
    done.get(10, TimeUnit.SECONDS);
    return seen;
  }
}
