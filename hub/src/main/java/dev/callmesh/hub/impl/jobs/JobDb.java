package dev.callmesh.hub.impl.jobs;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteException;

/**
 * The jobs database itself: blocking JDBC on one SQLite connection, used by one thread at a time (the
 * {@link JobStore}'s). Each method is one transaction, so a job's row and its outputs change together or
 * not at all, also when the process is killed. The file is in WAL mode with {@code synchronous=NORMAL}: a
 * commit survives the process being killed; a power cut may lose the last commits, never the file.
 * <pre>
 * jobs    (id PK, identity, operation_id, state, started_at, ended_at, error JSON, truncated, outputs,
 *          output_bytes, hub)       index (identity, started_at DESC): an identity's jobs, newest first
 * outputs (job, seq, output JSON)   primary key (job, seq)
 * </pre>
 */
final class JobDb implements AutoCloseable {

  /** The database's file name in the data directory. */
  static final String FILE = "jobs.db";
  /** The schema this code writes, kept in {@code PRAGMA user_version}. */
  static final int SCHEMA_VERSION = 1;

  private static final String[] SCHEMA = {
      "CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY NOT NULL, identity TEXT NOT NULL, operation_id TEXT NOT NULL,"
          + " state TEXT NOT NULL, started_at INTEGER NOT NULL, ended_at INTEGER, error TEXT,"
          + " truncated INTEGER NOT NULL DEFAULT 0, outputs INTEGER NOT NULL DEFAULT 0,"
          + " output_bytes INTEGER NOT NULL DEFAULT 0, hub TEXT NOT NULL)",
      "CREATE INDEX IF NOT EXISTS jobs_by_identity ON jobs (identity, started_at DESC)",
      "CREATE INDEX IF NOT EXISTS jobs_by_end ON jobs (ended_at)",
      "CREATE TABLE IF NOT EXISTS outputs (job TEXT NOT NULL, seq INTEGER NOT NULL, output TEXT NOT NULL,"
          + " PRIMARY KEY (job, seq)) WITHOUT ROWID",
      "PRAGMA user_version = " + SCHEMA_VERSION};
  private static final String COLUMNS = "id, identity, operation_id, state, started_at, ended_at, error, truncated,"
      + " outputs, output_bytes, hub";

  private final Connection conn;
  private final String where;
  private final long maxOutputBytes;

  private JobDb(Connection conn, String where, long maxOutputBytes) {
    this.conn = conn;
    this.where = where;
    this.maxOutputBytes = maxOutputBytes;
  }

  /**
   * Opens (or makes) the database and its tables. A file that is not a SQLite database, is damaged, or
   * comes from a newer callmesh is left exactly as it is.
   *
   * @param file the database file, or {@code null} for a database in memory
   * @param maxOutputBytes how much output JSON text each job keeps
   * @return the database
   * @throws IOException naming the file, saying what is wrong and what to do
   */
  static JobDb open(Path file, long maxOutputBytes) throws IOException {
    String where = file == null ? "in memory" : file.toAbsolutePath().toString();
    Connection conn = null;
    try {
      conn = DriverManager.getConnection(file == null ? "jdbc:sqlite::memory:" : "jdbc:sqlite:" + file.toAbsolutePath());
      int version;
      try (Statement s = conn.createStatement()) {
        // Reads first: a file that is not a database fails here, before anything could be written to it.
        s.executeQuery("SELECT count(*) FROM sqlite_master").close();
        try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
          version = rs.next() ? rs.getInt(1) : 0;
        }
        if (version > SCHEMA_VERSION) {
          throw new IOException("the jobs database " + where + " was written by a newer callmesh (schema " + version
              + "); run that version, or move the file aside to start with no jobs");
        }
        s.execute("PRAGMA busy_timeout = 5000"); // someone inspecting it with the sqlite3 CLI
        s.execute("PRAGMA journal_mode = WAL");
        s.execute("PRAGMA synchronous = NORMAL");
      }
      conn.setAutoCommit(false);
      try (Statement s = conn.createStatement()) {
        for (String sql : SCHEMA) {
          s.execute(sql);
        }
      }
      conn.commit();
      return new JobDb(conn, where, maxOutputBytes);
    } catch (SQLException e) {
      closeQuietly(conn);
      throw new IOException(problem(where, file, e), e);
    } catch (IOException | RuntimeException e) {
      closeQuietly(conn);
      throw e;
    }
  }

  private static String problem(String where, Path file, SQLException e) {
    String code = e instanceof SQLiteException se ? se.getResultCode().name() : "";
    if (is(code, "SQLITE_NOTADB") || is(code, "SQLITE_CORRUPT")) {
      return "the jobs database " + where + " is not a SQLite database, or is damaged (" + e.getMessage() + "); the hub"
          + " leaves it as it is: move it aside to start with no jobs, or put back a good copy";
    }
    if (is(code, "SQLITE_READONLY") || is(code, "SQLITE_CANTOPEN") || is(code, "SQLITE_PERM")) {
      Path dir = file == null ? null : file.toAbsolutePath().getParent();
      return "cannot write the jobs database " + where + " (" + e.getMessage() + "); make it and its directory " + dir
          + " writable by the hub, or point --data-dir (CALLMESH_DATA_DIR) elsewhere";
    }
    return "cannot open the jobs database " + where + ": " + e.getMessage();
  }

  /** @return whether the SQLite result code's name is the primary code or one of its extended codes */
  private static boolean is(String code, String primary) {
    return code.equals(primary) || code.startsWith(primary + "_");
  }

  private static void closeQuietly(Connection conn) {
    if (conn != null) {
      try {
        conn.close();
      } catch (SQLException ignored) {
        // it was not usable anyway
      }
    }
  }

  /** @return where the database is, for messages: its file, or "in memory" */
  String where() {
    return where;
  }

  /** Adds a job. */
  void insert(JobRecord job) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("INSERT INTO jobs (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
      ps.setString(1, job.id());
      ps.setString(2, job.identity());
      ps.setString(3, job.operationId());
      ps.setString(4, job.state().wire());
      ps.setLong(5, job.startedAt());
      ps.setObject(6, job.endedAt());
      ps.setString(7, job.error() == null ? null : job.error().encode());
      ps.setInt(8, job.truncated() ? 1 : 0);
      ps.setLong(9, job.outputs());
      ps.setLong(10, job.outputBytes());
      ps.setString(11, job.hub());
      ps.executeUpdate();
    }
    conn.commit();
  }

  /**
   * Keeps one output of a running job, unless the job's kept outputs would then pass the output limit:
   * then the output is dropped and the job marked truncated (and every later output dropped too).
   *
   * @return whether the output was kept
   */
  boolean append(String job, long seq, String output) throws SQLException {
    long size = utf8Length(output);
    boolean kept;
    try (PreparedStatement ps = conn.prepareStatement("UPDATE jobs SET outputs = outputs + 1, output_bytes = output_bytes + ?"
        + " WHERE id = ? AND state = 'running' AND truncated = 0 AND output_bytes + ? <= ?")) {
      ps.setLong(1, size);
      ps.setString(2, job);
      ps.setLong(3, size);
      ps.setLong(4, maxOutputBytes);
      kept = ps.executeUpdate() == 1;
    }
    if (kept) {
      try (PreparedStatement ps = conn.prepareStatement("INSERT OR REPLACE INTO outputs (job, seq, output) VALUES (?,?,?)")) {
        ps.setString(1, job);
        ps.setLong(2, seq);
        ps.setString(3, output);
        ps.executeUpdate();
      }
    } else {
      try (PreparedStatement ps = conn.prepareStatement("UPDATE jobs SET truncated = 1 WHERE id = ? AND state = 'running'")) {
        ps.setString(1, job);
        ps.executeUpdate();
      }
    }
    conn.commit();
    return kept;
  }

  private static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /**
   * Ends a running job; a job that has already ended stays as it is.
   *
   * @return whether the job was running
   */
  boolean end(String job, JobState state, long endedAt, JsonObject error) throws SQLException {
    int n;
    try (PreparedStatement ps = conn.prepareStatement("UPDATE jobs SET state = ?, ended_at = ?, error = ?"
        + " WHERE id = ? AND state = 'running'")) {
      ps.setString(1, state.wire());
      ps.setLong(2, endedAt);
      ps.setString(3, error == null ? null : error.encode());
      ps.setString(4, job);
      n = ps.executeUpdate();
    }
    conn.commit();
    return n == 1;
  }

  /** Fails every job still marked running (its hub died), with the error; @return how many */
  int failRunning(long endedAt, JsonObject error) throws SQLException {
    int n;
    try (PreparedStatement ps = conn.prepareStatement("UPDATE jobs SET state = 'failed', ended_at = ?, error = ?"
        + " WHERE ended_at IS NULL AND state = 'running'")) {
      ps.setLong(1, endedAt);
      ps.setString(2, error.encode());
      n = ps.executeUpdate();
    }
    conn.commit();
    return n;
  }

  /** @return the job, or {@code null} when there is none of that id */
  JobRecord get(String job) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("SELECT " + COLUMNS + " FROM jobs WHERE id = ?")) {
      ps.setString(1, job);
      try (ResultSet rs = ps.executeQuery()) {
        JobRecord r = rs.next() ? record(rs) : null;
        conn.commit();
        return r;
      }
    }
  }

  /** @return up to {@code limit} kept outputs of the job with a seq above {@code after}, in seq order */
  List<JobOutput> outputs(String job, long after, int limit) throws SQLException {
    List<JobOutput> out = new ArrayList<>();
    try (PreparedStatement ps = conn.prepareStatement("SELECT seq, output FROM outputs WHERE job = ? AND seq > ?"
        + " ORDER BY seq LIMIT ?")) {
      ps.setString(1, job);
      ps.setLong(2, after);
      ps.setInt(3, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new JobOutput(rs.getLong(1), rs.getString(2)));
        }
      }
    }
    conn.commit();
    return out;
  }

  /** @return the identity's jobs (in the state, when not {@code null}), newest first, at most {@code limit} */
  List<JobRecord> list(String identity, JobState state, int limit) throws SQLException {
    List<JobRecord> out = new ArrayList<>();
    try (PreparedStatement ps = conn.prepareStatement("SELECT " + COLUMNS + " FROM jobs WHERE identity = ?"
        + (state == null ? "" : " AND state = ?") + " ORDER BY started_at DESC, rowid DESC LIMIT ?")) {
      int i = 1;
      ps.setString(i++, identity);
      if (state != null) {
        ps.setString(i++, state.wire());
      }
      ps.setInt(i, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(record(rs));
        }
      }
    }
    conn.commit();
    return out;
  }

  /** Deletes the jobs that ended before the time, with their outputs; @return how many jobs */
  int purge(long endedBefore) throws SQLException {
    int n;
    try (PreparedStatement outputs = conn.prepareStatement("DELETE FROM outputs WHERE job IN"
        + " (SELECT id FROM jobs WHERE ended_at < ? AND state <> 'running')");
         PreparedStatement jobs = conn.prepareStatement("DELETE FROM jobs WHERE ended_at < ? AND state <> 'running'")) {
      outputs.setLong(1, endedBefore);
      outputs.executeUpdate();
      jobs.setLong(1, endedBefore);
      n = jobs.executeUpdate();
    }
    conn.commit();
    return n;
  }

  private static JobRecord record(ResultSet rs) throws SQLException {
    long ended = rs.getLong(6);
    Long endedAt = rs.wasNull() ? null : ended;
    String error = rs.getString(7);
    return new JobRecord(rs.getString(1), rs.getString(2), rs.getString(3), JobState.fromWire(rs.getString(4)),
        rs.getLong(5), endedAt, error == null ? null : new JsonObject(error), rs.getInt(8) != 0, rs.getLong(9),
        rs.getLong(10), rs.getString(11));
  }

  /** Rolls back whatever a failed method left open. */
  void rollback() {
    try {
      conn.rollback();
    } catch (SQLException ignored) {
      // nothing was open
    }
  }

  @Override
  public void close() throws SQLException {
    conn.close();
  }
}
