package dev.callmesh.operations.impl;

import dev.callmesh.operations.OperationHandler;
import dev.callmesh.operations.OperationRegistry;
import dev.callmesh.operations.OperationSpec;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.call.InboundCall;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Specs and handlers by operation name; a call is validated, then handed to its handler. */
public final class OperationRegistryImpl implements OperationRegistry {

  private static final Logger log = LoggerFactory.getLogger(OperationRegistryImpl.class);

  private record Entry(OperationSpec spec, InputValidator validator, OperationHandler handler) {
  }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  @Override
  public OperationRegistry register(OperationSpec spec, OperationHandler handler) {
    entries.put(spec.name(), new Entry(spec, new InputValidator(spec.name(), spec.inputSchema()), handler));
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

  private static CallException internal(InboundCall call, Throwable cause) {
    log.warn("operation {} failed on call {}", call.operationId(), call.id(), cause);
    return CallException.of(ErrorCode.INTERNAL, call.operationId() + " failed: " + cause
        + "; this is a bug in the handler, please report it with the operation and input");
  }
}
