package dev.callmesh.protocol.call.impl;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a callback into code the engine does not own (an observer, a handler's abort or drain handler):
 * what it throws is logged and goes no further, so one faulty callback never stops the engine from
 * ending the other calls.
 */
final class Guard {

  private static final Logger log = LoggerFactory.getLogger(Guard.class);

  private Guard() {
  }

  /**
   * @param what the kind of callback, for the log line
   * @param operationId the operation of the call it is about, for the log line
   * @param callback the callback to run
   */
  static void run(String what, String operationId, Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      log.warn("the {} of a call to {} failed; the engine goes on", what, operationId, e);
    }
  }
}
