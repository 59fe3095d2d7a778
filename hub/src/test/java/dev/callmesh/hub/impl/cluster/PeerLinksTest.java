package dev.callmesh.hub.impl.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.callmesh.protocol.JsonLimits;
import dev.callmesh.protocol.call.CallHandler;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two hubs' links on one (local) event bus: the first message from a hub makes the link it arrives on, and
 * the calls in it are served on the receiving hub's own context, the one its connections and links share.
 */
class PeerLinksTest {

  private Vertx vertx;
  private Context contextA;
  private Context contextB;
  private PeerLinks a;
  private PeerLinks b;
  private final List<Context> servedOn = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    contextA = vertx.getOrCreateContext();
    contextB = vertx.getOrCreateContext();
    CallHandler echo = call -> {
      servedOn.add(Vertx.currentContext());
      call.reply(new JsonObject().put("op", call.operationId()));
    };
    a = new PeerLinks(contextA, "a", 1024 * 1024, JsonLimits.DEFAULTS, name -> null, () -> null);
    b = new PeerLinks(contextB, "b", 1024 * 1024, JsonLimits.DEFAULTS, name -> null, () -> echo);
    startOn(contextA, a);
    startOn(contextB, b);
  }

  private static void startOn(Context context, PeerLinks links) throws Exception {
    Promise<Void> started = Promise.promise();
    context.runOnContext(v -> links.start().onComplete(started));
    started.future().await(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  @Test
  void theFirstBatchFromAHubStartsItsLinkAndIsServedOnTheHubsOwnContext() throws Exception {
    Promise<List<Object>> answers = Promise.promise();
    // many calls in one go on a's context: they leave in one batch, the first message b sees from a
    contextA.runOnContext(v -> Future.all(IntStream.range(0, 20)
            .mapToObj(i -> a.link("b").call("/hub/ping" + i, new JsonObject())).toList())
        .<List<Object>>map(all -> all.list()).onComplete(answers));
    List<Object> got = answers.future().await(10, TimeUnit.SECONDS);
    assertEquals(20, got.size());
    for (int i = 0; i < got.size(); i++) {
      assertEquals("/hub/ping" + i, ((JsonObject) got.get(i)).getString("op"));
    }
    assertEquals(20, servedOn.size());
    for (Context c : servedOn) {
      assertSame(contextB, c, "served on a duplicate or another context, not on the hub's own");
    }
  }
}
