package dev.callmesh.protocol.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.EventEnvelope;
import dev.callmesh.protocol.EventTypes;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link HubConnector#connectFirst(ConnectOptions)}: hubs are tried in order, an unreachable one passes the
 * turn to the next, a refusal is the answer, and when none can be reached every URL is reported. (The
 * success over real hubs is in the it module's HubListIT.)
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectFirstTest {

  private Vertx vertx;
  private NetServer refusing;
  private final AtomicInteger refusingDials = new AtomicInteger();
  private int deadPort;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    // A "hub" that answers every connection with auth.denied FORBIDDEN and counts them.
    refusing = vertx.createNetServer().connectHandler(socket -> {
      refusingDials.incrementAndGet();
      EnvelopeTransport.create(socket, "tcp", 1 << 20).closeWith(EventEnvelope.of(EventTypes.AUTH_DENIED,
          new JsonObject().put("code", ErrorCode.FORBIDDEN.wire()).put("message", "not you")));
    });
    refusing.listen(0, "127.0.0.1").await();
    NetServer closed = vertx.createNetServer().connectHandler(s -> s.close());
    deadPort = closed.listen(0, "127.0.0.1").await().actualPort();
    closed.close().await();
  }

  @AfterEach
  void tearDown() {
    refusing.close().await();
  }

  private String dead() {
    return "tcp://127.0.0.1:" + deadPort;
  }

  private String refuser() {
    return "tcp://127.0.0.1:" + refusing.actualPort();
  }

  private CallException fails(String urls) {
    ConnectOptions options = new ConnectOptions().setHubUrls(HubUrl.parseList(urls)).setConnectTimeoutMs(2000)
        .setCredentials(Credentials.token("t"));
    HubConnector connector = new HubConnector(vertx, options);
    try {
      Throwable err = connector.connectFirst(options).map(s -> (Throwable) null).otherwise(e -> e).await();
      return assertInstanceOf(CallException.class, err);
    } finally {
      connector.close().await();
    }
  }

  @Test
  void anUnreachableHubPassesTheTurnToTheNext() {
    CallException e = fails(dead() + "," + refuser());
    assertEquals(ErrorCode.FORBIDDEN.wire(), e.code(), "the second hub was dialled and its answer returned");
    assertEquals(1, refusingDials.get());
  }

  @Test
  void aRefusalEndsTheAttemptWithoutTryingTheRest() {
    CallException e = fails(refuser() + "," + refuser() + "," + dead());
    assertEquals(ErrorCode.FORBIDDEN.wire(), e.code());
    assertEquals(1, refusingDials.get(), "the hubs after the first that answered are not dialled");
  }

  @Test
  void whenNoHubCanBeReachedEveryUrlIsReported() {
    String second = "tcp://127.0.0.1:1";
    CallException e = fails(dead() + "," + second);
    assertTrue(e.is(ErrorCode.UNAVAILABLE), e.code());
    assertTrue(e.getMessage().contains("no hub of " + dead() + "," + second + " could be reached"), e.getMessage());
    assertTrue(e.getMessage().contains("cannot reach the hub at " + dead()), e.getMessage());
    assertTrue(e.getMessage().contains("cannot reach the hub at " + second), e.getMessage());
  }

  @Test
  void oneUnreachableUrlFailsAsASingleConnectDoes() {
    CallException e = fails(dead());
    assertTrue(e.is(ErrorCode.UNAVAILABLE));
    assertTrue(e.getMessage().startsWith("cannot reach the hub at " + dead()), e.getMessage());
  }

  @Test
  void unreachableTellsTheFailuresWorthAnotherHub() {
    assertTrue(HubConnector.unreachable(CallException.of(ErrorCode.UNAVAILABLE, "down")));
    assertTrue(HubConnector.unreachable(CallException.of(ErrorCode.TIMEOUT, "slow")));
    assertTrue(HubConnector.unreachable(new IllegalStateException("odd")));
    for (ErrorCode refusal : List.of(ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN, ErrorCode.RESOURCE_EXHAUSTED)) {
      assertTrue(!HubConnector.unreachable(CallException.of(refusal, "no")), refusal.wire());
    }
  }
}
