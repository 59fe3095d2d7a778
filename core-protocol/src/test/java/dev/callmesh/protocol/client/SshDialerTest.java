package dev.callmesh.protocol.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.EventEnvelope;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SshDialer} against a real OpenSSH sshd on loopback, with a loopback echo server as the "hub":
 * bytes go through the direct-tcpip channel both ways, the tunnel ends with the transport or the SSH
 * connection, and untrusted host keys or unknown user keys are refused.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SshDialerTest {

  @TempDir
  Path dir;
  Sshd sshd;
  Path userKey;
  NetServer echo;
  Promise<Void> echoClosed;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    sshd = Sshd.start(Files.createDirectories(dir.resolve("sshd")));
    userKey = Sshd.keygen(dir.resolve("id_ed25519"), "user@test");
    sshd.authorize(userKey);
    echoClosed = Promise.promise();
    echo = vertx.createNetServer().connectHandler(s -> {
      s.handler(s::write);
      s.closeHandler(v -> echoClosed.tryComplete());
    }).listen(0, "127.0.0.1").await();
  }

  @AfterEach
  void stop() throws Exception {
    if (sshd != null) {
      sshd.close();
    }
  }

  private HubUrl url() {
    return HubUrl.parse("ssh://" + System.getProperty("user.name") + "@127.0.0.1:" + sshd.port()
        + "/127.0.0.1:" + echo.actualPort());
  }

  private ConnectOptions options(Path knownHosts, Path key) throws Exception {
    return new ConnectOptions().setKnownHosts(knownHosts).setSshKey(SshKeyPair.load(key, null));
  }

  /** Dials from an event-loop context, as HubConnector does. */
  private static Future<EnvelopeTransport> dial(Vertx vertx, HubUrl url, ConnectOptions options) {
    Promise<EnvelopeTransport> p = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> new SshDialer(vertx).dial(url, options).onComplete(p));
    return p.future();
  }

  private CallException refusal(Vertx vertx, ConnectOptions options) {
    Throwable err = assertThrowsFailure(dial(vertx, url(), options));
    return assertInstanceOf(CallException.class, err, String.valueOf(err));
  }

  private static Throwable assertThrowsFailure(Future<?> f) {
    try {
      Object ok = f.await(30, TimeUnit.SECONDS);
      throw new AssertionError("expected a refusal, got " + ok);
    } catch (AssertionError e) {
      throw e;
    } catch (Throwable t) {
      return t;
    }
  }

  @Test
  void envelopesRoundTripThroughTheTunnelAndClosingTheTransportEndsIt(Vertx vertx) throws Exception {
    // GIVEN a known_hosts file with sshd's real host key and an authorized user key
    Path knownHosts = sshd.writeKnownHosts(dir.resolve("known_hosts"));
    // WHEN dialling the echo "hub" through sshd
    EnvelopeTransport t = dial(vertx, url(), options(knownHosts, userKey)).await(30, TimeUnit.SECONDS);
    assertEquals("ssh", t.transportName());
    Promise<EventEnvelope> back = Promise.promise();
    Promise<Void> closed = Promise.promise();
    t.context().runOnContext(v -> {
      t.handler(back::tryComplete);
      t.closeHandler(x -> closed.tryComplete());
      t.send(EventEnvelope.of("test.ping", new JsonObject().put("text", "x".repeat(100_000))));
    });
    // THEN the envelope comes back whole
    EventEnvelope env = back.future().await(20, TimeUnit.SECONDS);
    assertEquals("test.ping", env.type());
    assertEquals(100_000, env.payload().getString("text").length());
    assertTrue(!tunnelThreads().isEmpty(), "the tunnel's threads run while it is open");
    // AND closing the transport closes the hub side of the channel and leaves no tunnel thread behind
    t.close();
    closed.future().await(10, TimeUnit.SECONDS);
    echoClosed.future().await(10, TimeUnit.SECONDS);
    awaitNoTunnelThreads();
  }

  @Test
  void theTransportClosesWhenTheSshConnectionDrops(Vertx vertx) throws Exception {
    Path knownHosts = sshd.writeKnownHosts(dir.resolve("known_hosts"));
    EnvelopeTransport t = dial(vertx, url(), options(knownHosts, userKey)).await(30, TimeUnit.SECONDS);
    Promise<Void> closed = Promise.promise();
    t.context().runOnContext(v -> t.closeHandler(x -> closed.tryComplete()));
    // WHEN sshd and its sessions die
    sshd.close();
    // THEN the transport closes (a spoke then reconnects) and the tunnel is gone
    closed.future().await(20, TimeUnit.SECONDS);
    assertTrue(t.isClosed());
    awaitNoTunnelThreads();
  }

  @Test
  void aHostKeyOtherThanTheListedOneIsRefused(Vertx vertx) throws Exception {
    // GIVEN known_hosts lists another key for this server
    Path other = Sshd.keygen(dir.resolve("other_host"), "impostor");
    Path knownHosts = dir.resolve("known_hosts");
    Files.writeString(knownHosts, sshd.knownHostsLine(Path.of(other + ".pub")));
    // THEN the dial is refused before logging in, naming the host, the offered key and the file
    CallException e = refusal(vertx, options(knownHosts, userKey));
    assertTrue(e.is(ErrorCode.UNAVAILABLE), e.code());
    String m = e.getMessage();
    assertTrue(m.contains("CHANGED"), m);
    assertTrue(m.contains("[127.0.0.1]:" + sshd.port()), m);
    assertTrue(m.contains(Sshd.fingerprint(sshd.hostKeyPub())), m);
    assertTrue(m.contains(knownHosts.toString()), m);
    assertTrue(!sshd.log().contains("Accepted publickey"), "the key must not be offered to an untrusted server");
  }

  @Test
  void aHostMissingFromKnownHostsIsRefused(Vertx vertx) throws Exception {
    Path knownHosts = dir.resolve("known_hosts");
    Files.writeString(knownHosts, "# nothing trusted\n");
    CallException e = refusal(vertx, options(knownHosts, userKey));
    assertTrue(e.is(ErrorCode.UNAVAILABLE), e.code());
    assertTrue(e.getMessage().contains("not listed in " + knownHosts), e.getMessage());
    assertTrue(e.getMessage().contains(Sshd.fingerprint(sshd.hostKeyPub())), e.getMessage());
    // A known_hosts file that does not exist trusts nothing either.
    Path none = dir.resolve("absent_known_hosts");
    CallException e2 = refusal(vertx, options(none, userKey));
    assertTrue(e2.is(ErrorCode.UNAVAILABLE), e2.code());
    assertTrue(e2.getMessage().contains("does not exist"), e2.getMessage());
    assertTrue(!Files.exists(none), "a refused host must not be added to known_hosts");
  }

  @Test
  void aUserKeySshdDoesNotKnowIsRefused(Vertx vertx) throws Exception {
    Path knownHosts = sshd.writeKnownHosts(dir.resolve("known_hosts"));
    Path stranger = Sshd.keygen(dir.resolve("stranger"), "stranger@test");
    CallException e = refusal(vertx, options(knownHosts, stranger));
    assertTrue(e.is(ErrorCode.UNAUTHENTICATED), e.code() + ": " + e.getMessage());
    assertTrue(e.getMessage().contains("refused the login"), e.getMessage());
    awaitNoTunnelThreads();
  }

  @Test
  void aHubTheSshServerCannotReachIsUnavailable(Vertx vertx) throws Exception {
    Path knownHosts = sshd.writeKnownHosts(dir.resolve("known_hosts"));
    int port = echo.actualPort();
    echo.close().await();
    HubUrl url = HubUrl.parse("ssh://" + System.getProperty("user.name") + "@127.0.0.1:" + sshd.port()
        + "/127.0.0.1:" + port);
    Throwable err = assertThrowsFailure(dial(vertx, url, options(knownHosts, userKey)));
    CallException e = assertInstanceOf(CallException.class, err);
    assertTrue(e.is(ErrorCode.UNAVAILABLE), e.code());
    assertTrue(e.getMessage().contains("could not reach the hub at 127.0.0.1:" + port), e.getMessage());
  }

  /** @return the names of live threads of tunnels (callmesh-ssh-up/down) and of sshj (reader, keep-alive) */
  private static List<String> tunnelThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> n.startsWith("callmesh-ssh") || n.startsWith("sshj-")).toList();
  }

  /** Waits until the tunnel's own threads and sshj's are gone. */
  private static void awaitNoTunnelThreads() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<String> left;
    do {
      left = tunnelThreads();
      if (left.isEmpty()) {
        return;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("tunnel threads left running: " + left);
  }
}
