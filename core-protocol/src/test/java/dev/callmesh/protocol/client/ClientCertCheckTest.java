package dev.callmesh.protocol.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.protocol.CallException;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client certificate that cannot be used is reported before any dial, naming the file, rather than as a
 * hub that cannot be reached; a plain tcp:// URL does not read it.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClientCertCheckTest {

  @TempDir
  Path dir;

  private CallException connectFails(Vertx vertx, String url, Path cert, Path key) {
    ConnectOptions options = new ConnectOptions().setHubUrl(HubUrl.parse(url)).setClientCert(cert, key)
        .setConnectTimeoutMs(2000);
    HubConnector connector = new HubConnector(vertx, options);
    try {
      Throwable err = connector.connect(options).map(s -> (Throwable) null).otherwise(e -> e).await();
      return assertInstanceOf(CallException.class, err);
    } finally {
      connector.close().await();
    }
  }

  @Test
  void aMissingCertificateIsNamedBeforeTheDial(Vertx vertx) throws Exception {
    Path missing = dir.resolve("no-such.pem");
    Path key = Files.writeString(dir.resolve("client.key"), "not a key");
    // Port 1 refuses: had the dial come first, the error would be UNAVAILABLE.
    for (String url : new String[] {"tls://127.0.0.1:1", "wss://127.0.0.1:1/v1/ws"}) {
      CallException e = connectFails(vertx, url, missing, key);
      assertEquals("UNAUTHENTICATED", e.code(), e.getMessage());
      assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("--cert"), e.getMessage());
    }
  }

  @Test
  void aFileThatIsNoCertificateIsNamed(Vertx vertx) throws Exception {
    Path notPem = Files.writeString(dir.resolve("client.pem"), "hello");
    Path key = Files.writeString(dir.resolve("client.key"), "not a key");
    CallException e = connectFails(vertx, "tls://127.0.0.1:1", notPem, key);
    assertEquals("UNAUTHENTICATED", e.code(), e.getMessage());
    assertTrue(e.getMessage().contains(notPem.toString()) && e.getMessage().contains("not a PEM certificate"),
        e.getMessage());
  }

  @Test
  void aTcpUrlDoesNotReadTheCertificate(Vertx vertx) {
    CallException e = connectFails(vertx, "tcp://127.0.0.1:1", dir.resolve("absent.pem"), dir.resolve("absent.key"));
    assertEquals("UNAVAILABLE", e.code(), e.getMessage());
  }
}
