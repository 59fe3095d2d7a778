package dev.callmesh.protocol;

/** The event types of the callmesh protocol (docs/PROTOCOL.md, "Handshake" and "Calls"). */
public final class EventTypes {
  public static final String AUTH_CHALLENGE = "auth.challenge";
  public static final String AUTH_HELLO = "auth.hello";
  public static final String AUTH_WELCOME = "auth.welcome";
  public static final String AUTH_DENIED = "auth.denied";
  public static final String CALL_REQUESTED = "call.requested";
  public static final String CALL_RESPONDED = "call.responded";
  public static final String CALL_COMPLETED = "call.completed";
  public static final String CALL_ABORTED = "call.aborted";
  public static final String CALL_ERROR = "call.error";
  public static final String CALL_CREDIT = "call.credit";
  public static final String PING = "ping";
  public static final String PONG = "pong";
  public static final String BYE = "bye";

  /** The protocol name the hub announces in {@code auth.challenge}. */
  public static final String PROTOCOL_VERSION = "callmesh/1";

  private EventTypes() {
  }
}
