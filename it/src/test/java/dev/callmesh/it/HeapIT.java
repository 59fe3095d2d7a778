package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What {@link Heap} reads from {@code jcmd PID GC.heap_info}: the heap's generations, not the metaspace. */
class HeapIT {

  @Test
  void theG1HeapIsItsUsedFigureWithoutTheMetaspace() {
    String g1 = """
        11818:
         garbage-first heap   total 65536K, used 7674K [0x00000000fc000000, 0x0000000100000000)
          region size 1024K, 5 young (5120K), 1 survivors (1024K)
         Metaspace       used 8907K, committed 9088K, reserved 1114112K
          class space    used 1062K, committed 1152K, reserved 1048576K
        """;
    assertEquals(7674, Heap.usedKiB(g1));
  }

  @Test
  void theSerialHeapIsItsGenerationsWithoutTheMetaspace() {
    String serial = """
        11861:
         def new generation   total 19648K, used 14079K [0x00000000fc000000, 0x00000000fd550000, 0x00000000fd550000)
          eden space 17472K,  80% used [0x00000000fc000000, 0x00000000fcdbfee8, 0x00000000fd110000)
          from space 2176K,   0% used [0x00000000fd110000, 0x00000000fd110000, 0x00000000fd330000)
          to   space 2176K,   0% used [0x00000000fd330000, 0x00000000fd330000, 0x00000000fd550000)
         tenured generation   total 43712K, used 2048K [0x00000000fd550000, 0x0000000100000000, 0x0000000100000000)
           the space 43712K,   4% used [0x00000000fd550000, 0x00000000fd550000, 0x00000000fd550200, 0x0000000100000000)
         Metaspace       used 8903K, committed 9088K, reserved 1114112K
          class space    used 1062K, committed 1152K, reserved 1048576K
        """;
    assertEquals(14079 + 2048, Heap.usedKiB(serial));
  }
}
