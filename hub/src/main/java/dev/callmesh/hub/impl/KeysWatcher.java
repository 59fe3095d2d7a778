package dev.callmesh.hub.impl;

import dev.callmesh.protocol.auth.AuthorizedKeys;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the hub's authorized_keys and reloads them when the file changes (by modification time and
 * size, checked every poll period, and at once when an unknown key asks: see {@link #recheck()}). A file
 * that becomes unreadable keeps the last good keys.
 * <p>
 * A file that is missing or unreadable at start does not stop the hub: until a first load succeeds,
 * {@link #keys()} is {@code null} (the hub denies every connection and reports itself not ready), and
 * the file is tried again at every poll.
 */
final class KeysWatcher {

  private static final Logger log = LoggerFactory.getLogger(KeysWatcher.class);

  private final Vertx vertx;
  private final Path file;
  private final long pollMs;
  private final Consumer<AuthorizedKeys> onChange;
  private volatile AuthorizedKeys keys;
  private volatile String problem = "not loaded yet";
  private String stamp = "";  // guarded by this (loads run on workers)
  private long timer = -1;
  private Context context;
  private Future<AuthorizedKeys> recheck;  // the one in progress, guarded by this

  KeysWatcher(Vertx vertx, Path file, long pollMs, Consumer<AuthorizedKeys> onChange) {
    this.vertx = vertx;
    this.file = file;
    this.pollMs = pollMs;
    this.onChange = onChange;
  }

  /**
   * Loads the keys once and starts watching the file.
   *
   * @return a future completed once the first load was tried, whether it succeeded ({@link #keys()}
   *     then tells which)
   */
  Future<Void> start() {
    context = vertx.getOrCreateContext();
    return context.executeBlocking(this::load, false).transform(ar -> {
      if (ar.succeeded()) {
        keys = ar.result();
        problem = null;
      } else {
        problem = ar.cause().getMessage();
        log.warn("{}; every connection is denied (UNAVAILABLE) and /readyz answers 503 until it can be read",
            describe(ar.cause()));
      }
      timer = vertx.setPeriodic(pollMs, t -> check());
      return Future.succeededFuture();
    });
  }

  private synchronized AuthorizedKeys load() throws IOException {
    try {
      String next = stamp();
      AuthorizedKeys loaded = AuthorizedKeys.load(file, w -> log.warn("{}", w));
      stamp = next;
      return loaded;
    } catch (NoSuchFileException e) {
      throw new IOException("the file does not exist");
    } catch (AccessDeniedException e) {
      throw new IOException("the hub's user may not read it");
    } catch (FileSystemException e) {
      throw new IOException("it cannot be read (" + (e.getReason() == null ? e.getClass().getSimpleName() : e.getReason())
          + ")");
    }
  }

  private String describe(Throwable e) {
    return "authorized_keys file " + file.toAbsolutePath() + " cannot be loaded: " + e.getMessage()
        + (keys == null ? "; create it with one 'ssh-ed25519 ...' line per key (see README)" : "");
  }

  private String stamp() throws IOException {
    return Files.getLastModifiedTime(file).toMillis() + ":" + Files.size(file);
  }

  private synchronized AuthorizedKeys loadIfChanged() throws IOException {
    String now;
    try {
      now = stamp();
    } catch (IOException e) {
      return null;
    }
    return now.equals(stamp) ? null : load();
  }

  /**
   * Looks at the file now rather than at the next poll, for a key that is not known: it may have been added
   * a moment ago, and its spoke started straight away. Concurrent asks share one look.
   *
   * @return a future of the keys in force after the look (on the hub's context)
   */
  Future<AuthorizedKeys> recheck() {
    synchronized (this) {
      if (recheck == null) {
        Future<AuthorizedKeys> f = check().transform(ar -> Future.succeededFuture(keys));
        recheck = f;
        f.onComplete(ar -> {
          synchronized (this) {
            recheck = null;
          }
        });
      }
      return recheck;
    }
  }

  private Future<AuthorizedKeys> check() {
    return context.executeBlocking(this::loadIfChanged, false).onSuccess(loaded -> {
      if (loaded != null) {
        boolean first = keys == null;
        keys = loaded;
        problem = null;
        log.info("{} {}: {} keys", first ? "loaded" : "reloaded", file, loaded.size());
        onChange.accept(loaded);
      }
    }).onFailure(e -> {
      // Said once per distinct problem: the file is tried again every poll period.
      if (!Objects.equals(problem, e.getMessage())) {
        problem = e.getMessage();
        log.warn("{}{}", describe(e), keys == null ? "" : "; keeping the previous keys");
      }
    });
  }

  /** @return the keys in force, or {@code null} while none could be loaded yet */
  AuthorizedKeys keys() {
    return keys;
  }

  /** @return why the keys are not loaded (without the file's path), or {@code null} once they are */
  String problem() {
    return keys == null ? problem : null;
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }
}
