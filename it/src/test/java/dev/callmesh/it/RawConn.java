package dev.callmesh.it;

import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A blocking wire client written against docs/PROTOCOL.md only (no callmesh classes): frames by hand, so
 * tests can send what a correct client never would.
 */
final class RawConn implements AutoCloseable {

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  RawConn(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(5000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  /** Sends raw bytes. */
  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Sends one envelope as a frame. */
  void send(String type, String id, JsonObject payload) throws IOException {
    byte[] body = new JsonObject().put("type", type).put("id", id).put("payload", payload).encode()
        .getBytes(StandardCharsets.UTF_8);
    sendRaw(ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array());
  }

  /** @return the next envelope, or {@code null} when the hub closed the connection */
  JsonObject recv() throws IOException {
    try {
      int n = in.readInt();
      byte[] body = new byte[n];
      in.readFully(body);
      return new JsonObject(new String(body, StandardCharsets.UTF_8));
    } catch (EOFException e) {
      return null;
    } catch (java.net.SocketException e) {
      return null;
    }
  }

  /** @return the next envelope arriving within the time, or {@code null} when none did (or the hub closed) */
  JsonObject recvWithin(long millis) throws IOException {
    socket.setSoTimeout((int) Math.max(1, millis));
    try {
      return recv();
    } catch (SocketTimeoutException e) {
      return null;
    } finally {
      socket.setSoTimeout(5000);
    }
  }

  /** @return the next envelope with the id, skipping pings and others */
  JsonObject recvFor(String id) throws IOException {
    while (true) {
      JsonObject e = recv();
      if (e == null || id.equals(e.getString("id"))) {
        return e;
      }
    }
  }

  /** @return whether the peer closes the connection within the time (reading and dropping events) */
  boolean closesWithin(long millis) throws IOException {
    socket.setSoTimeout((int) millis);
    try {
      while (recv() != null) {
        // drain bye/denied
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
