package io.tracemark.api;

import java.util.Arrays;

/**
 * Immutable per-position outcome of a detection: for every token read, whether it was scored and,
 * if so, whether it was green (for score sums: whether its unit's score was at least its median).
 *
 * <p>A mask is stored as one {@linkplain State#code() code} per position. The codes are part of
 * published formats (golden vectors print a mask as {@link #toString()}), so each state carries an
 * explicit, frozen code and letter rather than relying on declaration order.
 */
public final class PositionMask {
  /** What happened at one position, with its frozen code and letter. */
  public enum State {
    /** Not scored: fewer than h tokens precede it. */
    NO_CONTEXT(0, 'c'),
    /** Not scored: its tuple (or window) was already scored earlier. */
    DUPLICATE(1, 'd'),
    /** Not scored: excluded by the caller (e.g. its window occurs in the prompt). */
    EXCLUDED(2, 'x'),
    /** Scored, in its green list. */
    GREEN(3, 'G'),
    /** Scored, not in its green list. */
    RED(4, 'r');

    private static final State[] BY_CODE = byCode();

    private final byte code;
    private final char letter;

    State(int code, char letter) {
      this.code = (byte) code;
      this.letter = letter;
    }

    /** The state's code in a mask (frozen: 0 to 4). */
    public byte code() {
      return code;
    }

    /** The state's letter in {@link PositionMask#toString()} (frozen: {@code c d x G r}). */
    public char letter() {
      return letter;
    }

    /** Whether a position in this state was scored. */
    public boolean scored() {
      return this == GREEN || this == RED;
    }

    /**
     * The state of a code.
     *
     * @throws IllegalArgumentException if no state has that code
     */
    public static State ofCode(int code) {
      Checks.require(code >= 0 && code < BY_CODE.length && BY_CODE[code] != null,
          "position state code must be between 0 and %d, was %d", BY_CODE.length - 1, code);
      return BY_CODE[code];
    }

    private static State[] byCode() {
      int max = 0;
      for (State s : values()) {
        max = Math.max(max, s.code);
      }
      State[] out = new State[max + 1];
      for (State s : values()) {
        if (out[s.code] != null) {
          throw new ExceptionInInitializerError("two position states share code " + s.code);
        }
        out[s.code] = s;
      }
      return out;
    }
  }

  private final byte[] codes;

  /**
   * Copies the given state codes ({@link State#code()}).
   *
   * @throws IllegalArgumentException naming the position of a code no state has
   */
  public PositionMask(byte[] codes) {
    this.codes = codes.clone();
    for (int i = 0; i < this.codes.length; i++) {
      byte c = this.codes[i];
      if (c < 0 || c >= State.BY_CODE.length || State.BY_CODE[c] == null) {
        throw Checks.illegal("state code at position %d must be between 0 and %d, was %d", i,
            State.BY_CODE.length - 1, c);
      }
    }
  }

  /** Number of positions. */
  public int length() {
    return codes.length;
  }

  /** The state at {@code position}. */
  public State state(int position) {
    return State.BY_CODE[codes[position]];
  }

  /** Whether the position was scored. */
  public boolean scored(int position) {
    return state(position).scored();
  }

  /** Whether the position was scored and green. */
  public boolean green(int position) {
    return state(position) == State.GREEN;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PositionMask && Arrays.equals(codes, ((PositionMask) o).codes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(codes);
  }

  /** One letter per position ({@link State#letter()}), e.g. {@code cGrdr}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(codes.length);
    for (byte c : codes) {
      b.append(State.BY_CODE[c].letter);
    }
    return b.toString();
  }
}
