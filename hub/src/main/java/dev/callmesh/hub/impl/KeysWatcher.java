package dev.callmesh.hub.impl;

import dev.callmesh.protocol.auth.AuthorizedKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the hub's authorized_keys and reloads them when the file changes (by modification time and
 * size, checked every poll period). A file that becomes unreadable keeps the last good keys.
 */
final class KeysWatcher {

  private static final Logger log = LoggerFactory.getLogger(KeysWatcher.class);

  private final Vertx vertx;
  private final Path file;
  private final long pollMs;
  private final Consumer<AuthorizedKeys> onChange;
  private volatile AuthorizedKeys keys;
  private String stamp = "";
  private long timer = -1;

  KeysWatcher(Vertx vertx, Path file, long pollMs, Consumer<AuthorizedKeys> onChange) {
    this.vertx = vertx;
    this.file = file;
    this.pollMs = pollMs;
    this.onChange = onChange;
  }

  /** @return a future completed once the keys are loaded, failed when the file cannot be read */
  Future<Void> start() {
    return vertx.executeBlocking(this::load, false).map(loaded -> {
      keys = loaded;
      timer = vertx.setPeriodic(pollMs, t -> poll());
      return null;
    });
  }

  private AuthorizedKeys load() throws IOException {
    try {
      String next = stamp();
      AuthorizedKeys loaded = AuthorizedKeys.load(file, w -> log.warn("{}", w));
      stamp = next;
      return loaded;
    } catch (NoSuchFileException e) {
      throw new IOException("authorized_keys file " + file.toAbsolutePath()
          + " does not exist; create it with one 'ssh-ed25519 ...' line per key (see README)");
    }
  }

  private String stamp() throws IOException {
    return Files.getLastModifiedTime(file).toMillis() + ":" + Files.size(file);
  }

  private void poll() {
    vertx.executeBlocking(() -> {
      String now;
      try {
        now = stamp();
      } catch (IOException e) {
        return null;
      }
      return now.equals(stamp) ? null : load();
    }, false).onSuccess(loaded -> {
      if (loaded != null) {
        keys = loaded;
        log.info("reloaded {}: {} keys", file, loaded.size());
        onChange.accept(loaded);
      }
    }).onFailure(e -> log.warn("could not reload {}: {}; keeping the previous keys", file, e.getMessage()));
  }

  /** @return the keys in force */
  AuthorizedKeys keys() {
    return keys;
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }
}
