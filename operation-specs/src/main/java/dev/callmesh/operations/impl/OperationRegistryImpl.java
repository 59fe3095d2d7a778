package dev.callmesh.operations.impl;

import dev.callmesh.operations.OperationHandler;
import dev.callmesh.operations.OperationRegistry;
import dev.callmesh.operations.OperationSpec;
import dev.callmesh.operations.OperationType;
import dev.callmesh.operations.SubscriptionHandler;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.call.InboundCall;
import dev.callmesh.protocol.log.CallLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** Specs and handlers by operation name; a call is validated, then handed to its handler. */
public final class OperationRegistryImpl implements OperationRegistry {

  private static final Logger log = LoggerFactory.getLogger(OperationRegistryImpl.class);

  /** One operation: exactly one of {@code handler} and {@code subscription} is set. */
  private record Entry(OperationSpec spec, InputValidator validator, OperationHandler handler,
                       SubscriptionHandler subscription) {
  }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  @Override
  public OperationRegistry register(OperationSpec spec, OperationHandler handler) {
    if (spec.opType() == OperationType.SUBSCRIPTION) {
      throw new IllegalArgumentException(spec.name() + " is a subscription: use registerSubscription");
    }
    entries.put(spec.name(), new Entry(spec, new InputValidator(spec.name(), spec.inputSchema()), handler, null));
    return this;
  }

  @Override
  public OperationRegistry registerSubscription(OperationSpec spec, SubscriptionHandler handler) {
    if (spec.opType() != OperationType.SUBSCRIPTION) {
      throw new IllegalArgumentException(spec.name() + " is a " + spec.opType().wire() + ": use register");
    }
    entries.put(spec.name(), new Entry(spec, new InputValidator(spec.name(), spec.inputSchema()), null, handler));
    return this;
  }

  @Override
  public OperationSpec spec(String name) {
    Entry e = entries.get(name);
    return e == null ? null : e.spec();
  }

  @Override
  public List<OperationSpec> specs() {
    List<OperationSpec> all = new ArrayList<>();
    entries.values().forEach(e -> all.add(e.spec()));
    all.sort(Comparator.comparing(OperationSpec::name));
    return all;
  }

  @Override
  public void handle(InboundCall call) {
    Entry entry = entries.get(call.operationId());
    if (entry == null) {
      call.fail(CallException.of(ErrorCode.NOT_FOUND,
          "no operation " + call.operationId() + " here; /services/list shows what exists"));
      return;
    }
    HandlerContext ctx = new HandlerContext(Vertx.currentContext().owner(), call);
    if (entry.subscription() != null) {
      subscribe(entry, ctx, call);
      return;
    }
    Future<?> result;
    try {
      entry.validator().check(call.input());
      result = entry.handler().handle(ctx, call.input());
    } catch (CallException e) {
      call.fail(e);
      return;
    } catch (RuntimeException e) {
      call.fail(internal(call, e));
      return;
    }
    if (result == null) {
      call.fail(internal(call, new IllegalStateException("handler returned no future")));
      return;
    }
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        call.reply(ar.result());
      } else if (ar.cause() instanceof CallException ce) {
        call.fail(ce);
      } else {
        call.fail(internal(call, ar.cause()));
      }
    });
  }

  private static void subscribe(Entry entry, HandlerContext ctx, InboundCall call) {
    CallSink sink = new CallSink(call);
    ctx.onAbort(reason -> sink.aborted());
    try {
      entry.validator().check(call.input());
      entry.subscription().handle(ctx, call.input(), sink);
    } catch (RuntimeException e) {
      sink.fail(e);
    }
  }

  private static CallException internal(InboundCall call, Throwable cause) {
    CallLog.log(log, Level.WARN, call, "operation {} failed on call {}", call.operationId(), call.id(), cause);
    return CallException.of(ErrorCode.INTERNAL, call.operationId() + " failed: " + cause
        + "; this is a bug in the handler, please report it with the operation and input");
  }
}
