package io.tracemark.examples.engines.llama3;

/** Mirror of llama3.java's {@code ArrayFloatTensor}: a tensor over a {@code float[]}. */
public final class ArrayFloatTensor extends FloatTensor {
  final float[] values;

  /** Wraps {@code values} (not copied: the engine writes its logits there). */
  public ArrayFloatTensor(float[] values) {
    this.values = values;
  }

  /** The backing array. */
  public float[] values() {
    return values;
  }

  @Override
  public int size() {
    return values.length;
  }

  @Override
  public float getFloat(int i) {
    return values[i];
  }

  @Override
  public void setFloat(int i, float value) {
    values[i] = value;
  }
}
