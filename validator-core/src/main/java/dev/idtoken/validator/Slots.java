package dev.idtoken.validator;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A few slots that threads borrow reusable objects from (verifiers, token buffers) and return them
 * to: not a {@code ThreadLocal}, which a virtual thread per request would fill once per dead
 * thread and never reuse. A thread starts at the slot its id hashes to and probes the others, so
 * two threads whose ids collide do not each make a new object per call. An object is out of its
 * slot while borrowed, so no two threads ever hold the same one; when every slot is full, a
 * returned object is dropped: the pool never grows.
 *
 * @param <T> what the slots hold
 */
final class Slots<T> {
  /** Slots per pool: twice the processors, between 4 and 64, a power of two. */
  static final int SIZE = size();

  private final AtomicReferenceArray<T> slots = new AtomicReferenceArray<>(SIZE);

  private static int size() {
    int wanted = Math.min(64, Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    return Integer.highestOneBit(wanted - 1) << 1;
  }

  /** The slot the current thread starts probing at. */
  static int home() {
    long id = Thread.currentThread().getId();
    // Thread ids are sequential; spread them so neighbours do not land on neighbouring slots.
    return (int) ((id * 0x9E3779B97F4A7C15L) >>> 58) & (SIZE - 1);
  }

  /** Takes an object out of the first full slot from {@code home} on, or returns null if all are empty. */
  T take(int home) {
    for (int i = 0; i < SIZE; i++) {
      int slot = (home + i) & (SIZE - 1);
      if (slots.get(slot) != null) {
        T value = slots.getAndSet(slot, null);
        if (value != null) {
          return value;
        }
      }
    }
    return null;
  }

  /** Puts {@code value} into the first empty slot from {@code home} on, or drops it if none is. */
  void giveBack(int home, T value) {
    for (int i = 0; i < SIZE; i++) {
      int slot = (home + i) & (SIZE - 1);
      if (slots.get(slot) == null && slots.compareAndSet(slot, null, value)) {
        return;
      }
    }
  }
}
