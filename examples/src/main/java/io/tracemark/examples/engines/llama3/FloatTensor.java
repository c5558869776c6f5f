package io.tracemark.examples.engines.llama3;

/**
 * Mirror of the part of llama3.java's {@code FloatTensor} a sampler uses: a vector of floats
 * that may or may not be backed by a Java array.
 */
public abstract class FloatTensor {
  /** Number of elements. */
  public abstract int size();

  /** Element {@code i}. */
  public abstract float getFloat(int i);

  /** Sets element {@code i}. */
  public abstract void setFloat(int i, float value);

  /** Index of the largest element (the lowest on ties). */
  public int argmax() {
    int best = 0;
    float max = getFloat(0);
    for (int i = 1; i < size(); i++) {
      float v = getFloat(i);
      if (v > max) {
        max = v;
        best = i;
      }
    }
    return best;
  }
}
