package dev.callmesh.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.callmesh.operations.OperationType;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** {@link ClientOptions} and {@link CallOptions}: documented defaults, JSON both ways, copies, bad values refused. */
class ClientOptionsTest {

  @Test
  void theDefaultsAreTheDocumentedOnesAndTheBreakerOnlyCounts() {
    ClientOptions o = new ClientOptions();
    assertEquals(ClientOptions.DEFAULT_MAX_RETRIES, o.getMaxRetries());
    assertEquals(200, o.getReconnectBaseMs());
    assertEquals(10_000, o.getReconnectMaxMs());
    assertEquals(10_000, o.getWaitForHubMs());
    CircuitBreakerOptions b = o.getBreakerOptions();
    assertEquals(5, b.getMaxFailures());
    assertEquals(5_000, b.getResetTimeout());
    assertEquals(-1, b.getTimeout(), "the client's deadlines apply, not the breaker's");
    assertNull(b.getNotificationAddress(), "no event-bus notifications unless asked");
    assertEquals(-1, new ClientOptions().setBreakerOptions(new CircuitBreakerOptions().setTimeout(100)).getBreakerOptions()
        .getTimeout());
  }

  @Test
  void jsonAndCopiesCarryEverySetting() {
    ClientOptions o = new ClientOptions().setReconnect(false).setReconnectBaseMs(7).setReconnectMaxMs(70)
        .setWaitForHubMs(0).setMaxWaitingCalls(3).setMaxRetries(9).setRetryBaseMs(11).setRetryMaxMs(110)
        .setBreakerOptions(new CircuitBreakerOptions().setMaxFailures(2).setResetTimeout(900).setNotificationAddress(null));
    JsonObject json = o.toJson();
    assertEquals(json, new ClientOptions(json).toJson());
    assertEquals(json, new ClientOptions(o).toJson());
    assertEquals(2, new ClientOptions(json).getBreakerOptions().getMaxFailures());
    assertEquals(new ClientOptions().toJson(), new ClientOptions(new JsonObject()).toJson());
    CallOptions c = CallOptions.retries(4).setRetryMutations(true).setTimeoutMs(500)
        .setOperationType(OperationType.MUTATION);
    assertEquals(c.toJson(), new CallOptions(c.toJson()).toJson());
    assertEquals(c.toJson(), new CallOptions(c).toJson());
    assertEquals(CallOptions.CLIENT_DEFAULT, new CallOptions().getMaxRetries());
  }

  @Test
  void badValuesAreRefused() {
    ClientOptions o = new ClientOptions();
    assertThrows(IllegalArgumentException.class, () -> o.setMaxRetries(-1));
    assertThrows(IllegalArgumentException.class, () -> o.setMaxRetries(101));
    assertThrows(IllegalArgumentException.class, () -> o.setReconnectBaseMs(0));
    assertThrows(IllegalArgumentException.class, () -> o.setWaitForHubMs(-1));
    assertThrows(IllegalArgumentException.class, () -> o.setMaxWaitingCalls(0));
    assertThrows(IllegalArgumentException.class, () -> o.setBreakerOptions(new CircuitBreakerOptions().setMaxFailures(0)));
    assertThrows(NullPointerException.class, () -> o.setConnectOptions(null));
    assertThrows(IllegalArgumentException.class, () -> new ClientOptions(new JsonObject().put("retryMaxMs", 0)));
    assertThrows(IllegalArgumentException.class, () -> new CallOptions().setMaxRetries(-2));
    assertThrows(IllegalArgumentException.class, () -> new CallOptions().setTimeoutMs(-1));
    assertThrows(IllegalArgumentException.class, () -> new CallOptions(new JsonObject().put("operationType", "read")));
  }
}
