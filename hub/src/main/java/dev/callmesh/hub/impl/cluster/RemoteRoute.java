package dev.callmesh.hub.impl.cluster;

import dev.callmesh.hub.RoutingTable;
import dev.callmesh.hub.SpokeInfo;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.RawJson;
import dev.callmesh.protocol.call.CallObserver;
import dev.callmesh.protocol.call.CallRequest;
import dev.callmesh.protocol.call.OutboundCall;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A route to a spoke held by another hub: a call goes to that hub over the link between the two
 * ({@link PeerLinks}), named by its full path, and is relayed there to the spoke. The route has gone once
 * the directory drops the entry or that hub leaves the cluster.
 */
final class RemoteRoute implements RoutingTable.Route {

  private final SpokeEntry entry;
  private final PeerLinks links;
  private final LongAdder forwarded;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Promise<Void> gone = Promise.promise();

  /**
   * @param entry the spoke's directory entry
   * @param links the links to the other hubs
   * @param forwarded counts the calls passed on to another hub
   */
  RemoteRoute(SpokeEntry entry, PeerLinks links, LongAdder forwarded) {
    this.entry = entry;
    this.links = links;
    this.forwarded = forwarded;
  }

  /** @return the directory entry this route was made from */
  SpokeEntry entry() {
    return entry;
  }

  @Override
  public SpokeInfo info() {
    return entry.info();
  }

  @Override
  public OutboundCall open(CallRequest request, boolean stream, CallObserver observer) {
    forwarded.increment();
    inFlight.incrementAndGet();
    String full = "/" + entry.info().name() + request.operationId();
    return links.link(entry.info().hub()).open(request.with("operationId", full), stream, new Counted(observer, stream));
  }

  @Override
  public boolean isGone() {
    return gone.future().isComplete();
  }

  @Override
  public Future<Void> gone() {
    return gone.future();
  }

  @Override
  public int inFlight() {
    return inFlight.get();
  }

  /**
   * Nothing to do here: the hub that holds the spoke sees the directory point elsewhere and tells its
   * spoke to leave itself.
   */
  @Override
  public void close(ErrorCode code, String message) {
  }

  /** The directory dropped the entry, or its hub left. */
  void removed() {
    gone.tryComplete();
  }

  /** Counts the call out of {@link #inFlight} when it ends. */
  private final class Counted implements CallObserver {
    private final CallObserver observer;
    private final boolean stream;
    private boolean ended;

    Counted(CallObserver observer, boolean stream) {
      this.observer = observer;
      this.stream = stream;
    }

    @Override
    public void onRespondedRaw(RawJson output) {
      if (!stream) {
        end();
      }
      observer.onRespondedRaw(output);
    }

    @Override
    public void onResponded(Object output) {
      observer.onResponded(output);
    }

    @Override
    public void onCompleted() {
      end();
      observer.onCompleted();
    }

    @Override
    public void onError(CallException error) {
      end();
      observer.onError(error);
    }

    private void end() {
      if (!ended) {
        ended = true;
        inFlight.decrementAndGet();
      }
    }
  }
}
