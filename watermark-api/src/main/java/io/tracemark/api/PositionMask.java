package io.tracemark.api;

import java.util.Arrays;

/**
 * Immutable per-position outcome of a detection: for every token read, whether it was scored and,
 * if so, whether it was green.
 */
public final class PositionMask {
  /** What happened at one position. */
  public enum State {
    /** Not scored: fewer than h tokens precede it. */
    NO_CONTEXT,
    /** Not scored: its tuple (or window) was already scored earlier. */
    DUPLICATE,
    /** Not scored: excluded by the caller (e.g. its window occurs in the prompt). */
    EXCLUDED,
    /** Scored, in its green list. */
    GREEN,
    /** Scored, not in its green list. */
    RED
  }

  private static final State[] STATES = State.values();
  private final byte[] states;

  /** Copies the given state ordinals. */
  public PositionMask(byte[] states) {
    this.states = states.clone();
    for (int i = 0; i < this.states.length; i++) {
      Checks.require(this.states[i] >= 0 && this.states[i] < STATES.length, "state at %d out of range: %d", i,
          this.states[i]);
    }
  }

  /** Number of positions. */
  public int length() {
    return states.length;
  }

  /** The state at {@code position}. */
  public State state(int position) {
    return STATES[states[position]];
  }

  /** Whether the position was scored. */
  public boolean scored(int position) {
    State s = state(position);
    return s == State.GREEN || s == State.RED;
  }

  /** Whether the position was scored and green. */
  public boolean green(int position) {
    return state(position) == State.GREEN;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PositionMask && Arrays.equals(states, ((PositionMask) o).states);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(states);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(states.length);
    for (byte s : states) {
      b.append("cdxGr".charAt(s));
    }
    return b.toString();
  }
}
