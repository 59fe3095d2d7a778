package dev.callmesh.spoke.testing;

import dev.callmesh.spoke.work.SpokeWorkers;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Vert.x and the spoke's thread pools ({@link TestWorkers}) for one test class, made before its tests
 * and closed after them. Register it as a static field with {@code @RegisterExtension}.
 */
public final class WorkersExtension implements BeforeAllCallback, AfterAllCallback {

  private Vertx vertx;
  private SpokeWorkers workers;

  @Override
  public void beforeAll(ExtensionContext context) {
    vertx = Vertx.vertx();
    workers = TestWorkers.create(vertx);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    workers.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** @return the Vert.x of the class's tests */
  public Vertx vertx() {
    return vertx;
  }

  /** @return the pools of the class's tests */
  public SpokeWorkers workers() {
    return workers;
  }
}
