package dev.callmesh.client;

import dev.callmesh.protocol.client.ConnectOptions;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * How a {@link CallmeshClient} connects and how it rides out failures: where and who (the
 * {@link ConnectOptions}: hub URLs, credentials, TLS), then reconnecting, calls made while no hub is
 * connected, retries and the circuit breaker of each hub.
 *
 * <ul>
 *   <li><b>Reconnect.</b> After a lost connection the client dials the next hub URL (round robin), each
 *       attempt after a wait drawn at random between 0 and a ceiling ("full jitter"); the ceiling starts at
 *       {@link #getReconnectBaseMs()} and doubles each time every URL has failed once more, up to
 *       {@link #getReconnectMaxMs()}.</li>
 *   <li><b>Waiting calls.</b> A call made while no hub is connected waits for one, at most
 *       {@link #getWaitForHubMs()} and never past its own deadline, and at most
 *       {@link #getMaxWaitingCalls()} calls wait; otherwise, and with a wait of 0, it fails at once with
 *       {@code UNAVAILABLE}.</li>
 *   <li><b>Retries.</b> A query that fails with a retryable code ({@code UNAVAILABLE}, {@code TIMEOUT},
 *       {@code RESOURCE_EXHAUSTED}) is tried again up to {@link #getMaxRetries()} times, after a
 *       full-jitter wait between {@link #getRetryBaseMs()} and {@link #getRetryMaxMs()}, within its
 *       deadline; other calls only when {@link CallOptions#setRetryMutations(boolean)} says so.</li>
 *   <li><b>Breakers.</b> One Vert.x circuit breaker per hub URL, with {@link #getBreakerOptions()}: it opens
 *       after that many failures in a row of that hub (attempts that could not reach it, lost connections,
 *       calls answered {@code UNAVAILABLE}) and half-opens after its reset timeout; reconnecting skips a hub
 *       whose breaker is open.</li>
 * </ul>
 *
 * Setters reject bad values with {@link IllegalArgumentException}. {@link #toJson()} and the JSON
 * constructor cover everything but the {@link ConnectOptions}, which are Java objects (keys, handlers).
 */
public class ClientOptions {

  /** Whether a lost connection is replaced: yes. */
  public static final boolean DEFAULT_RECONNECT = true;
  /** The first reconnect ceiling: 200 ms. */
  public static final long DEFAULT_RECONNECT_BASE_MS = 200;
  /** The largest reconnect ceiling: 10 s. */
  public static final long DEFAULT_RECONNECT_MAX_MS = 10_000;
  /** How long a call made while no hub is connected waits for one: 10 s (never past its deadline). */
  public static final long DEFAULT_WAIT_FOR_HUB_MS = 10_000;
  /** How many calls may wait for a hub at once: 1000. */
  public static final int DEFAULT_MAX_WAITING_CALLS = 1000;
  /** How many times a query is tried again after a retryable failure: 3 (so at most 4 attempts). */
  public static final int DEFAULT_MAX_RETRIES = 3;
  /** The first retry ceiling: 200 ms. */
  public static final long DEFAULT_RETRY_BASE_MS = 200;
  /** The largest retry ceiling: 5 s. */
  public static final long DEFAULT_RETRY_MAX_MS = 5_000;
  /** Failures in a row that open a hub's breaker: 5. */
  public static final int DEFAULT_BREAKER_MAX_FAILURES = 5;
  /** How long a breaker stays open before it lets one attempt through (half-open): 5 s. */
  public static final long DEFAULT_BREAKER_RESET_TIMEOUT_MS = 5_000;

  private ConnectOptions connectOptions;
  private boolean reconnect = DEFAULT_RECONNECT;
  private long reconnectBaseMs = DEFAULT_RECONNECT_BASE_MS;
  private long reconnectMaxMs = DEFAULT_RECONNECT_MAX_MS;
  private long waitForHubMs = DEFAULT_WAIT_FOR_HUB_MS;
  private int maxWaitingCalls = DEFAULT_MAX_WAITING_CALLS;
  private int maxRetries = DEFAULT_MAX_RETRIES;
  private long retryBaseMs = DEFAULT_RETRY_BASE_MS;
  private long retryMaxMs = DEFAULT_RETRY_MAX_MS;
  private CircuitBreakerOptions breakerOptions = defaultBreakerOptions();

  /** The defaults, with default {@link ConnectOptions} (tcp://127.0.0.1:7400, no credentials). */
  public ClientOptions() {
    this(new ConnectOptions());
  }

  /** @param connect where and who; kept by reference, not copied */
  public ClientOptions(ConnectOptions connect) {
    setConnectOptions(connect);
  }

  /** @param other options to copy (its {@link ConnectOptions} are shared, its breaker options copied) */
  public ClientOptions(ClientOptions other) {
    this.connectOptions = other.connectOptions;
    this.reconnect = other.reconnect;
    this.reconnectBaseMs = other.reconnectBaseMs;
    this.reconnectMaxMs = other.reconnectMaxMs;
    this.waitForHubMs = other.waitForHubMs;
    this.maxWaitingCalls = other.maxWaitingCalls;
    this.maxRetries = other.maxRetries;
    this.retryBaseMs = other.retryBaseMs;
    this.retryMaxMs = other.retryMaxMs;
    this.breakerOptions = new CircuitBreakerOptions(other.breakerOptions);
  }

  /**
   * @param json the members of {@link #toJson()}, each optional; {@code breaker} is a Vert.x
   *     {@link CircuitBreakerOptions} JSON object
   * @throws IllegalArgumentException when a value is out of range
   */
  public ClientOptions(JsonObject json) {
    this();
    setReconnect(json.getBoolean("reconnect", reconnect));
    setReconnectBaseMs(json.getLong("reconnectBaseMs", reconnectBaseMs));
    setReconnectMaxMs(json.getLong("reconnectMaxMs", reconnectMaxMs));
    setWaitForHubMs(json.getLong("waitForHubMs", waitForHubMs));
    setMaxWaitingCalls(json.getInteger("maxWaitingCalls", maxWaitingCalls));
    setMaxRetries(json.getInteger("maxRetries", maxRetries));
    setRetryBaseMs(json.getLong("retryBaseMs", retryBaseMs));
    setRetryMaxMs(json.getLong("retryMaxMs", retryMaxMs));
    if (json.getJsonObject("breaker") != null) {
      setBreakerOptions(new CircuitBreakerOptions(json.getJsonObject("breaker")));
    }
  }

  /** @return the settings above as JSON (not the {@link ConnectOptions}) */
  public JsonObject toJson() {
    return new JsonObject().put("reconnect", reconnect).put("reconnectBaseMs", reconnectBaseMs)
        .put("reconnectMaxMs", reconnectMaxMs).put("waitForHubMs", waitForHubMs)
        .put("maxWaitingCalls", maxWaitingCalls).put("maxRetries", maxRetries).put("retryBaseMs", retryBaseMs)
        .put("retryMaxMs", retryMaxMs).put("breaker", breakerOptions.toJson());
  }

  private static CircuitBreakerOptions defaultBreakerOptions() {
    return new CircuitBreakerOptions().setMaxFailures(DEFAULT_BREAKER_MAX_FAILURES)
        .setResetTimeout(DEFAULT_BREAKER_RESET_TIMEOUT_MS).setTimeout(-1).setMaxRetries(0)
        .setFallbackOnFailure(false).setNotificationAddress(null);
  }

  /** @return where and who: hub URLs, credentials, TLS and SSH settings, the default call deadline */
  public ConnectOptions getConnectOptions() {
    return connectOptions;
  }

  /** @param connect where and who, not {@code null}; @return this */
  public ClientOptions setConnectOptions(ConnectOptions connect) {
    this.connectOptions = Objects.requireNonNull(connect, "connectOptions");
    return this;
  }

  /** @return whether a lost connection is replaced by one to the next hub URL */
  public boolean isReconnect() {
    return reconnect;
  }

  /**
   * @param reconnect {@code false} for a client that stays disconnected once its connection is lost (its
   *     calls then fail at once with {@code UNAVAILABLE}); @return this
   */
  public ClientOptions setReconnect(boolean reconnect) {
    this.reconnect = reconnect;
    return this;
  }

  /** @return the first reconnect ceiling, in milliseconds */
  public long getReconnectBaseMs() {
    return reconnectBaseMs;
  }

  /** @param ms at least 1; @return this */
  public ClientOptions setReconnectBaseMs(long ms) {
    this.reconnectBaseMs = atLeast(1, ms, "reconnectBaseMs");
    return this;
  }

  /** @return the largest reconnect ceiling, in milliseconds */
  public long getReconnectMaxMs() {
    return reconnectMaxMs;
  }

  /** @param ms at least 1; @return this */
  public ClientOptions setReconnectMaxMs(long ms) {
    this.reconnectMaxMs = atLeast(1, ms, "reconnectMaxMs");
    return this;
  }

  /** @return how long a call made while no hub is connected waits for one, in milliseconds */
  public long getWaitForHubMs() {
    return waitForHubMs;
  }

  /** @param ms 0 to fail such calls at once with {@code UNAVAILABLE}, or longer; @return this */
  public ClientOptions setWaitForHubMs(long ms) {
    this.waitForHubMs = atLeast(0, ms, "waitForHubMs");
    return this;
  }

  /** @return how many calls may wait for a hub at once */
  public int getMaxWaitingCalls() {
    return maxWaitingCalls;
  }

  /** @param n at least 1; more fail at once with {@code UNAVAILABLE}; @return this */
  public ClientOptions setMaxWaitingCalls(int n) {
    this.maxWaitingCalls = (int) atLeast(1, n, "maxWaitingCalls");
    return this;
  }

  /** @return how many times a call may be tried again, by default */
  public int getMaxRetries() {
    return maxRetries;
  }

  /** @param n 0 (never) to 100; a call's {@link CallOptions#setMaxRetries(int)} overrides it; @return this */
  public ClientOptions setMaxRetries(int n) {
    if (n < 0 || n > 100) {
      throw new IllegalArgumentException("maxRetries must be 0 to 100, not " + n);
    }
    this.maxRetries = n;
    return this;
  }

  /** @return the first retry ceiling, in milliseconds */
  public long getRetryBaseMs() {
    return retryBaseMs;
  }

  /** @param ms at least 1; @return this */
  public ClientOptions setRetryBaseMs(long ms) {
    this.retryBaseMs = atLeast(1, ms, "retryBaseMs");
    return this;
  }

  /** @return the largest retry ceiling, in milliseconds */
  public long getRetryMaxMs() {
    return retryMaxMs;
  }

  /** @param ms at least 1; @return this */
  public ClientOptions setRetryMaxMs(long ms) {
    this.retryMaxMs = atLeast(1, ms, "retryMaxMs");
    return this;
  }

  /**
   * @return the options of each hub's circuit breaker (by default 5 failures in a row open it, 5 s later it
   *     half-opens, no event-bus notifications); the client's own deadlines apply, never the breaker's timeout
   */
  public CircuitBreakerOptions getBreakerOptions() {
    return breakerOptions;
  }

  /**
   * @param options the breaker options, copied; their {@code timeout} and {@code maxRetries} are not used
   *     (a breaker here only counts; deadlines and retries are the client's)
   * @return this
   * @throws IllegalArgumentException when {@code maxFailures} is below 1
   */
  public ClientOptions setBreakerOptions(CircuitBreakerOptions options) {
    if (options.getMaxFailures() < 1) {
      throw new IllegalArgumentException("breaker maxFailures must be at least 1");
    }
    this.breakerOptions = new CircuitBreakerOptions(options).setTimeout(-1).setMaxRetries(0);
    return this;
  }

  private static long atLeast(long min, long value, String name) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", not " + value);
    }
    return value;
  }
}
