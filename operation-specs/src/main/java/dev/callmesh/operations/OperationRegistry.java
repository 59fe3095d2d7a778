package dev.callmesh.operations;

import dev.callmesh.operations.impl.OperationRegistryImpl;
import dev.callmesh.protocol.call.CallHandler;
import java.util.List;

/**
 * The operations a participant serves: specs and handlers kept apart, input validated against each
 * spec's {@code inputSchema} before its handler runs (INVALID_INPUT with the failing path in
 * {@code details}), a handler's failure answered as its {@link dev.callmesh.protocol.CallException}
 * code or as INTERNAL. Use it as the {@link CallHandler} of a connection.
 */
public interface OperationRegistry extends CallHandler {

  /** @return an empty registry */
  static OperationRegistry create() {
    return new OperationRegistryImpl();
  }

  /**
   * Adds or replaces an operation.
   *
   * @param spec its description; the name is the path the calls arrive with
   * @param handler serves it
   * @return this
   * @throws IllegalArgumentException when the spec is a subscription or its schemas do not compile
   */
  OperationRegistry register(OperationSpec spec, OperationHandler handler);

  /**
   * Adds or replaces a subscription.
   *
   * @param spec its description, of type subscription
   * @param handler serves it
   * @return this
   * @throws IllegalArgumentException when the spec is not a subscription or its schemas do not compile
   */
  OperationRegistry registerSubscription(OperationSpec spec, SubscriptionHandler handler);

  /** @return the spec served under the name, or {@code null} */
  OperationSpec spec(String name);

  /** @return every spec, sorted by name */
  List<OperationSpec> specs();
}
