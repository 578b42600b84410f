package com.infrafabric.llm.vault;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The encoded forms of one secret, each as long as its shortest ({@link #window} characters: the
 * whole secret raw or in hex, all of it but the partial groups at its ends in Base64 and the shared
 * characters at its ends in Base32), indexed by a rolling hash, and the scan that marks where a
 * text holds one, in one pass over the text. Immutable; scans are not thread-safe.
 */
final class WindowIndex {

  private static final long BASE = 0x100000001B3L;
  private static final long EMPTY = Long.MIN_VALUE;

  private final SecretEncoding encoding;
  private final int window;
  private final char[][] forms;
  private final long[] hashes;
  private final long[] windows;
  private final int mask;
  private final long highPower;

  private WindowIndex(SecretEncoding encoding, int window, char[][] forms, int count) {
    this.encoding = encoding;
    this.window = window;
    this.forms = forms;
    int capacity = Integer.highestOneBit(Math.max(4, count * 2 - 1)) << 1;
    this.hashes = new long[capacity];
    this.windows = new long[capacity];
    this.mask = capacity - 1;
    Arrays.fill(hashes, EMPTY);
    long power = 1;
    for (int i = 0; i < window; i++) {
      power *= BASE;
    }
    this.highPower = power;
  }

  /** The index of the forms {@code encoding} gives {@code secret}. */
  static WindowIndex of(SecretEncoding encoding, byte[] secret) {
    char[][] forms =
        encoding.forms(secret).stream().map(String::toCharArray).toArray(char[][]::new);
    int window = Integer.MAX_VALUE;
    for (char[] form : forms) {
      window = Math.min(window, form.length);
    }
    int count = 0;
    for (char[] form : forms) {
      count += form.length - window + 1;
    }
    WindowIndex index = new WindowIndex(encoding, window, forms, count);
    for (int f = 0; f < forms.length; f++) {
      index.addWindows(f);
    }
    return index;
  }

  /** A scan over one stream of a text, marking matched source characters in {@code marks}. */
  Scan scan(BitSet marks) {
    return new Scan(marks);
  }

  private void addWindows(int form) {
    char[] chars = forms[form];
    int k = window;
    long hash = 0;
    for (int i = 0; i < chars.length; i++) {
      hash = hash * BASE + chars[i];
      if (i >= k) {
        hash -= chars[i - k] * highPower;
      }
      if (i >= k - 1) {
        insert(hash, ((long) form << 32) | (i - k + 1));
      }
    }
  }

  /** Adds a window unless an equal one is there (a repetitive secret repeats its windows). */
  private void insert(long hash, long entry) {
    int slot = slot(hash);
    for (; hashes[slot] != EMPTY; slot = (slot + 1) & mask) {
      if (hashes[slot] == hash && sameWindow(windows[slot], entry)) {
        return;
      }
    }
    hashes[slot] = hash;
    windows[slot] = entry;
  }

  /** True if the {@code window} characters of {@code ring} before {@code end} are a window. */
  private boolean contains(long hash, int[] ring, int end) {
    for (int slot = slot(hash); hashes[slot] != EMPTY; slot = (slot + 1) & mask) {
      if (hashes[slot] == hash && equal(windows[slot], ring, end)) {
        return true;
      }
    }
    return false;
  }

  private boolean equal(long entry, int[] ring, int end) {
    char[] form = forms[(int) (entry >>> 32)];
    int offset = (int) entry;
    int k = window;
    int at = end - k < 0 ? end - k + ring.length : end - k;
    for (int i = 0; i < k; i++) {
      if (form[offset + i] != ring[at]) {
        return false;
      }
      at = at + 1 == ring.length ? 0 : at + 1;
    }
    return true;
  }

  private boolean sameWindow(long a, long b) {
    char[] formA = forms[(int) (a >>> 32)];
    char[] formB = forms[(int) (b >>> 32)];
    return Arrays.equals(formA, (int) a, (int) a + window, formB, (int) b, (int) b + window);
  }

  private int slot(long hash) {
    long mixed = hash * 0x9E3779B97F4A7C15L;
    return (int) (mixed >>> 32) & mask;
  }

  /**
   * One pass over a stream of characters, each standing for a span of the source text. A run of
   * characters of the encoding's alphabet is matched window by window; anything else ends the run.
   */
  final class Scan implements EscapedText.Sink {
    private final BitSet marks;
    private final int history = window + encoding.edge;
    private final int[] chars = new int[history];
    private final int[] starts = new int[history];
    private int run;
    private int position;
    private long hash;
    private int pendingEdge;
    private boolean lastMarked;

    private Scan(BitSet marks) {
      this.marks = marks;
    }

    @Override
    public void accept(char c, int start, int end) {
      if (lastMarked && encoding.padding(c)) {
        marks.set(start, end);
        endRun();
        lastMarked = true;
        return;
      }
      int mapped = encoding.map(c);
      if (mapped == SecretEncoding.NOT_IN_ALPHABET) {
        endRun();
        return;
      }
      boolean marked = pendingEdge > 0;
      if (marked) {
        marks.set(start, end);
        pendingEdge--;
      }
      push(mapped, start);
      if (run >= window && contains(hash, chars, position)) {
        marks.set(starts[back(Math.min(run, history))], end);
        pendingEdge = encoding.edge;
        marked = true;
      }
      lastMarked = marked;
    }

    private void push(int mapped, int start) {
      int k = window;
      hash = hash * BASE + mapped;
      if (run >= k) {
        hash -= chars[back(k)] * highPower;
      }
      chars[position] = mapped;
      starts[position] = start;
      position = position + 1 == history ? 0 : position + 1;
      run++;
    }

    /** The ring index {@code distance} characters before the next one. */
    private int back(int distance) {
      int at = position - distance;
      return at < 0 ? at + history : at;
    }

    private void endRun() {
      run = 0;
      hash = 0;
      pendingEdge = 0;
      lastMarked = false;
    }
  }
}
