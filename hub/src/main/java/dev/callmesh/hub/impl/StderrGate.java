package dev.callmesh.hub.impl;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * The hub process's stderr: buffered, and flushed after every write as before, except while the audit trail
 * writes a batch of lines: their flushes wait, and the batch leaves in one write when it is done, instead of
 * one system call per line. Lines stay whole and in order (one stream, one buffer); a line another thread
 * logs meanwhile is flushed at once, with whatever of the batch is before it.
 * <p>
 * Only the hub's {@code main} installs it ({@link #install()}); an embedded hub leaves the application's
 * stderr alone, and its audit lines are flushed one by one.
 */
public final class StderrGate extends FilterOutputStream {

  private static volatile StderrGate installed;
  private volatile Thread holding;

  StderrGate(OutputStream out) {
    super(new BufferedOutputStream(out, 1 << 16));
  }

  /** Makes {@code System.err} a gate over file descriptor 2; for a process's {@code main}, before it logs. */
  public static void install() {
    StderrGate gate = new StderrGate(new FileOutputStream(FileDescriptor.err));
    System.setErr(new PrintStream(gate, true, charset(System.getProperty("sun.stderr.encoding"))));
    installed = gate;
  }

  private static Charset charset(String name) {
    try {
      return name == null ? Charset.defaultCharset() : Charset.forName(name);
    } catch (IllegalArgumentException e) {
      return Charset.defaultCharset();
    }
  }

  /** Runs the writes with their flushes held, then flushes once; without a gate installed, just runs them. */
  static void batch(Runnable writes) {
    StderrGate gate = installed;
    if (gate == null) {
      writes.run();
      return;
    }
    gate.hold(writes);
    System.err.flush();
  }

  /** Runs the writes with this gate's flushes held for the calling thread (not flushed after). */
  void hold(Runnable writes) {
    holding = Thread.currentThread();
    try {
      writes.run();
    } finally {
      holding = null;
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len); // FilterOutputStream would write byte by byte
  }

  @Override
  public void flush() throws IOException {
    if (Thread.currentThread() != holding) {
      out.flush();
    }
  }
}
