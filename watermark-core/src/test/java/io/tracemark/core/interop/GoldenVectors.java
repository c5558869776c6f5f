package io.tracemark.core.interop;

import io.tracemark.api.InteropSpec;
import io.tracemark.api.SchemeSpec;
import io.tracemark.api.Watermark;
import io.tracemark.core.Watermarks;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** Reads the golden vectors of {@code src/test/python/generate_interop_vectors.py}, and its toy model. */
final class GoldenVectors {
  private GoldenVectors() {}

  /** The ';'-separated rows of a resource under /interop/, without comments and header. */
  static List<String[]> rows(String name) {
    InputStream in = GoldenVectors.class.getResourceAsStream("/interop/" + name);
    if (in == null) {
      throw new IllegalStateException("missing test resource /interop/" + name);
    }
    List<String[]> rows = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      boolean header = true;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        if (header) {
          header = false;
          continue;
        }
        rows.add(line.split(";", -1));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  static int[] ints(String spaceSeparated) {
    if (spaceSeparated.isBlank()) {
      return new int[0];
    }
    return Arrays.stream(spaceSeparated.trim().split(" ")).mapToInt(Integer::parseInt).toArray();
  }

  private static final long MASK = 0xFFFFFFFFL;

  /** The toy model's logits: exact float32 values from an integer mix, as in the generator. */
  static float[] toyLogits(int vocab, long toySeed, int step, int prev) {
    long base = (toySeed * 1000003L + step * 40503L + prev * 97L) & MASK;
    float[] out = new float[vocab];
    for (int v = 0; v < vocab; v++) {
      long h = (v * 2654435761L + base) & MASK;
      h ^= h >>> 15;
      h = (h * 2246822519L) & MASK;
      h ^= h >>> 13;
      h = (h * 3266489917L) & MASK;
      h ^= h >>> 16;
      out[v] = (float) (h >>> 8) * 0x1p-22f;
    }
    return out;
  }

  /** First 16 hex digits of SHA-256 over the ascending ids as int32 little-endian. */
  static String sha16(int[] ids) {
    int[] sorted = ids.clone();
    Arrays.sort(sorted);
    ByteBuffer b = ByteBuffer.allocate(4 * sorted.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int id : sorted) {
      b.putInt(id);
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array())).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The watermark of an interop specification's text, over the vocabulary it fixes (any id for vllm without one). */
  static Watermark watermark(String spec) {
    return Watermarks.create((InteropSpec) SchemeSpec.parse(spec));
  }

  /** Index of the first maximum, as {@code torch.argmax}. */
  static int argmax(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }
}
