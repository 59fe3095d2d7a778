package dev.callmesh.client.impl;

import static dev.callmesh.client.impl.ClientRetryTest.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallOptions;
import dev.callmesh.client.CallmeshClient;
import dev.callmesh.client.ClientEvent;
import dev.callmesh.client.ClientOptions;
import dev.callmesh.operations.OperationType;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.client.ConnectOptions;
import dev.callmesh.protocol.client.Credentials;
import dev.callmesh.protocol.client.HubUrl;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Failover, waiting calls and breakers against {@link FakeHub}s: a call in flight on a hub that dies is
 * tried again on the next; calls made while no hub is connected wait (bounded) and go out on the next
 * connection; a hub's breaker opens after failures in a row, is skipped, half-opens and closes; closing
 * stops everything.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClientFailoverTest {

  private static final JsonObject IN = new JsonObject().put("path", "a.txt");
  private static final CallOptions QUERY = new CallOptions().setOperationType(OperationType.QUERY);

  Vertx vertx;
  FakeHub a;
  FakeHub b;
  CallmeshClient client;
  final List<ClientEvent> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    a = new FakeHub(vertx).listen();
    b = new FakeHub(vertx).listen();
  }

  @AfterEach
  void stop() {
    if (client != null) {
      assertEquals(0, client.engine().pendingCount(), "a call was left pending");
      client.close().await();
    }
  }

  private CallmeshClient connect(ClientOptions options, FakeHub... hubs) {
    List<HubUrl> urls = java.util.Arrays.stream(hubs).map(FakeHub::url).toList();
    options.setConnectOptions(new ConnectOptions().setHubUrls(urls).setCredentials(Credentials.token("t")))
        .setReconnectBaseMs(20).setReconnectMaxMs(200).setRetryBaseMs(20).setRetryMaxMs(200);
    client = CallmeshClient.connect(vertx, options).await();
    client.eventHandler(events::add);
    return client;
  }

  private static void waitUntil(String what, BooleanSupplier cond) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!cond.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "not within 10 s: " + what);
      Thread.sleep(10);
    }
  }

  private long count(ClientEvent.Kind kind, FakeHub hub) {
    return events.stream().filter(e -> e.kind() == kind && hub.url().equals(e.hub())).count();
  }

  @Test
  void aQueryInFlightOnAHubThatDiesIsTriedAgainOnTheNext() throws Exception {
    connect(new ClientOptions(), a, b);
    assertEquals(a.url(), client.hubUrl());
    a.behaviour = p -> FakeHub.Reply.silence();
    List<Future<Object>> calls = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      calls.add(client.call("/dev1/x/get", IN, QUERY));
    }
    waitUntil("the calls reached A", () -> a.count("/dev1/x/get") == 6);
    // WHEN A dies with the calls in flight
    a.stop();
    // THEN the calls are answered through B, and the client says where it went
    for (Future<Object> call : calls) {
      assertEquals(true, ((JsonObject) call.await(10, TimeUnit.SECONDS)).getBoolean("ok"));
    }
    assertEquals(6, b.count("/dev1/x/get"));
    assertEquals(b.url(), client.hubUrl());
    assertEquals(CallmeshClient.Status.CONNECTED, client.status());
    assertEquals(1, count(ClientEvent.Kind.DISCONNECTED, a));
    assertEquals(1, count(ClientEvent.Kind.CONNECTED, b));
    // One loss is one failure of A, however many calls were on the connection: its breaker (5) stays closed.
    Thread.sleep(100);
    assertEquals(CircuitBreakerState.CLOSED, client.breakerState(a.url()));
    // A mutation in flight is not tried again: it fails UNAVAILABLE.
    b.behaviour = p -> FakeHub.Reply.silence();
    Future<Object> put = client.call("/dev1/x/put", IN, new CallOptions().setOperationType(OperationType.MUTATION));
    waitUntil("the mutation reached B", () -> b.count("/dev1/x/put") == 1);
    b.dropConnections();
    CallException e = failure(put);
    assertEquals("UNAVAILABLE", e.code());
    assertTrue(e.retryable());
  }

  @Test
  void callsMadeWhileNoHubIsConnectedWaitForTheNextConnectionWithinTheirBounds() throws Exception {
    connect(new ClientOptions().setMaxWaitingCalls(2), a);
    a.stop();
    waitUntil("the client noticed", () -> client.status() == CallmeshClient.Status.RECONNECTING);
    Future<Object> waits = client.call("/dev1/x/get", IN);
    Future<Object> shortDeadline = client.call("/dev1/x/get", IN, 300);
    Future<Object> tooMany = client.call("/dev1/x/get", IN);
    // The third finds the queue full; the second's own deadline ends its wait.
    CallException full = failure(tooMany);
    assertEquals("UNAVAILABLE", full.code());
    assertTrue(full.getMessage().contains("2 calls already wait"), full.getMessage());
    long t0 = System.nanoTime();
    CallException late = failure(shortDeadline);
    assertEquals("UNAVAILABLE", late.code());
    assertTrue(late.getMessage().contains("within") && late.getMessage().contains(a.url().toString()), late.getMessage());
    assertTrue((System.nanoTime() - t0) / 1_000_000 < 1_000);
    assertTrue(!waits.isComplete());
    // WHEN the hub is back THEN the waiting call goes out on the new connection
    a.listen();
    assertEquals(true, ((JsonObject) waits.await(10, TimeUnit.SECONDS)).getBoolean("ok"));
    assertEquals(1, a.count("/dev1/x/get"));
  }

  @Test
  void withNoWaitCallsFailAtOnceWhileDisconnected() throws Exception {
    connect(new ClientOptions().setWaitForHubMs(0), a);
    a.stop();
    waitUntil("the client noticed", () -> client.status() == CallmeshClient.Status.RECONNECTING);
    long t0 = System.nanoTime();
    assertEquals("UNAVAILABLE", failure(client.call("/dev1/x/get", IN)).code());
    assertTrue((System.nanoTime() - t0) / 1_000_000 < 500);
  }

  @Test
  void aHubsBreakerCountsUnavailableNotOtherAnswersOpensIsSkippedHalfOpensAndCloses() throws Exception {
    connect(new ClientOptions().setMaxRetries(0).setBreakerOptions(new CircuitBreakerOptions().setMaxFailures(3)
        .setResetTimeout(1_500).setNotificationAddress(null)), a, b);
    // Answers that are not UNAVAILABLE are the hub working: they never open its breaker.
    a.behaviour = p -> FakeHub.Reply.error("NOT_FOUND", false);
    for (int i = 0; i < 5; i++) {
      assertEquals("NOT_FOUND", failure(client.call("/dev1/x/get", IN)).code());
    }
    assertEquals(CircuitBreakerState.CLOSED, client.breakerState(a.url()));
    // Three UNAVAILABLE in a row open it.
    a.behaviour = p -> FakeHub.Reply.error("UNAVAILABLE", true);
    for (int i = 0; i < 3; i++) {
      assertEquals("UNAVAILABLE", failure(client.call("/dev1/x/get", IN)).code());
    }
    waitUntil("A's breaker opened", () -> client.breakerState(a.url()) == CircuitBreakerState.OPEN);
    assertEquals(1, count(ClientEvent.Kind.BREAKER_OPENED, a));
    // An open breaker does not stop calls on the connection that is up.
    a.behaviour = p -> FakeHub.Reply.output("still here");
    assertEquals("still here", client.call("/dev1/x/get", IN).await());
    // A goes away: the client moves to B.
    a.dropConnections();
    waitUntil("moved to B", () -> client.status() == CallmeshClient.Status.CONNECTED && b.url().equals(client.hubUrl()));
    int acceptedByA = a.accepted.get();
    // B goes away: the next in turn is A, but its breaker is open: skipped, back to B.
    b.dropConnections();
    waitUntil("back on B", () -> count(ClientEvent.Kind.CONNECTED, b) == 2);
    assertEquals(acceptedByA, a.accepted.get(), "a hub whose breaker is open is not dialled");
    assertTrue(events.stream().anyMatch(e -> e.kind() == ClientEvent.Kind.CONNECT_FAILED && a.url().equals(e.hub())
        && e.cause().getMessage().contains("circuit breaker is open")), events.toString());
    // After the reset timeout it half-opens: the next turn dials A again, which answers, and the breaker closes.
    waitUntil("A's breaker half-opened", () -> client.breakerState(a.url()) == CircuitBreakerState.HALF_OPEN);
    b.dropConnections();
    waitUntil("back on A", () -> count(ClientEvent.Kind.CONNECTED, a) == 1);
    assertEquals(acceptedByA + 1, a.accepted.get());
    waitUntil("A's breaker closed", () -> client.breakerState(a.url()) == CircuitBreakerState.CLOSED);
    assertEquals(1, count(ClientEvent.Kind.BREAKER_HALF_OPEN, a));
    assertEquals(1, count(ClientEvent.Kind.BREAKER_CLOSED, a));
    assertEquals(CircuitBreakerState.CLOSED, client.breakerState(b.url()), "single losses never opened B's");
  }

  @Test
  void hubsThatCannotBeReachedOpenTheirBreakersAndTheWaitsBetweenDialsGrow() throws Exception {
    connect(new ClientOptions().setBreakerOptions(new CircuitBreakerOptions().setMaxFailures(2)
        .setResetTimeout(60_000).setNotificationAddress(null)), a, b);
    a.stop();
    b.stop();
    waitUntil("both breakers opened", () -> client.breakerState(a.url()) == CircuitBreakerState.OPEN
        && client.breakerState(b.url()) == CircuitBreakerState.OPEN);
    waitUntil("several rounds", () -> events.stream().filter(e -> e.kind() == ClientEvent.Kind.CONNECT_FAILED).count() >= 12);
    List<Long> waits = events.stream().filter(e -> e.kind() == ClientEvent.Kind.CONNECT_FAILED)
        .map(ClientEvent::delayMs).toList();
    // Full jitter within a ceiling of 20 ms doubling per round of two hubs, up to 200 ms.
    for (int i = 0; i < waits.size(); i++) {
      long ceiling = Math.min(200, 20L << Math.min(10, (i + 1) / 2));
      assertTrue(waits.get(i) >= 1 && waits.get(i) <= ceiling, "wait " + i + " of " + waits);
    }
    assertTrue(waits.subList(6, waits.size()).stream().anyMatch(w -> w > 20), "the waits did not grow: " + waits);
  }

  @Test
  void aClientThatDoesNotReconnectStaysDownAndFailsItsCallsAtOnce() throws Exception {
    connect(new ClientOptions().setReconnect(false), a, b);
    a.dropConnections();
    waitUntil("the client noticed", () -> client.status() == CallmeshClient.Status.DISCONNECTED);
    CallException e = failure(client.call("/dev1/x/get", IN));
    assertEquals("UNAVAILABLE", e.code());
    assertTrue(e.getMessage().contains("does not reconnect"), e.getMessage());
    Thread.sleep(300);
    assertEquals(0, b.accepted.get(), "it dialled the next hub");
    assertEquals(1, a.accepted.get());
  }

  @Test
  void closingStopsReconnectingAndFailsTheWaitingCalls() throws Exception {
    connect(new ClientOptions(), a);
    a.stop();
    waitUntil("the client noticed", () -> client.status() == CallmeshClient.Status.RECONNECTING);
    Future<Object> waiting = client.call("/dev1/x/get", IN);
    client.close().await();
    assertEquals(CallmeshClient.Status.CLOSED, client.status());
    assertEquals("UNAVAILABLE", failure(waiting).code());
    assertEquals("UNAVAILABLE", failure(client.call("/dev1/x/get", IN)).code());
    int accepted = a.accepted.get();
    a.listen();
    Thread.sleep(500);
    assertEquals(accepted, a.accepted.get(), "a closed client dialled again");
    assertEquals(1, events.stream().filter(e -> e.kind() == ClientEvent.Kind.CLOSED).count());
  }
}
