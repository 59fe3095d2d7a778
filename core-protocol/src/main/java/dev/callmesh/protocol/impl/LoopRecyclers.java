package dev.callmesh.protocol.impl;

import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.RecyclerPool;
import io.netty.util.concurrent.FastThreadLocal;
import java.lang.ref.SoftReference;

/**
 * Jackson's buffers kept per thread, as its default pool keeps them, but found through Netty's
 * {@link FastThreadLocal}: on an event loop thread that is an array index, where a {@link ThreadLocal}
 * is a hash lookup that the many thread locals of a Vert.x loop make miss its first slot. A parser is
 * made for every frame, so the lookup was a few per cent of a hub's CPU. The buffers are softly held, as
 * Jackson holds them, so a thread that once read a large string does not keep its buffers for good.
 */
final class LoopRecyclers extends RecyclerPool.ThreadLocalPoolBase<BufferRecycler> {

  private static final long serialVersionUID = 1L;

  static final LoopRecyclers POOL = new LoopRecyclers();

  private static final FastThreadLocal<SoftReference<BufferRecycler>> RECYCLERS = new FastThreadLocal<>();

  private LoopRecyclers() {
  }

  @Override
  public BufferRecycler acquirePooled() {
    SoftReference<BufferRecycler> ref = RECYCLERS.get();
    BufferRecycler recycler = ref == null ? null : ref.get();
    if (recycler == null) {
      recycler = new BufferRecycler();
      RECYCLERS.set(new SoftReference<>(recycler));
    }
    return recycler;
  }
}
