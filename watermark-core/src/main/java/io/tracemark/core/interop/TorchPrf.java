package io.tracemark.core.interop;

import io.tracemark.api.LmwSpec;
import java.math.BigInteger;

/**
 * The context-to-seed functions of lm-watermarking ({@code alternative_prf_schemes.py}) and of the
 * Hugging Face {@code WatermarkLogitsProcessor}, reproduced with PyTorch's and Python's arithmetic.
 *
 * <p>Two kinds of integers meet in those functions, and they must not be confused:
 * <ul>
 *   <li>inside a tensor, int64 arithmetic wraps modulo 2^64 (Java {@code long} arithmetic), and
 *       {@code %} is {@code torch.remainder}, whose result takes the sign of the divisor
 *       ({@link Math#floorMod});
 *   <li>after {@code .item()} the value is a Python integer of unbounded size: {@code salt_key *
 *       x.item()} does not wrap, and {@code prf_key % (2**64 - 1)} of a negative value is
 *       {@code prf_key + 2**64 - 1}.
 * </ul>
 * The seed handed to {@code manual_seed} is that non-negative remainder, and PyTorch keeps only
 * its low 32 bits, which is what {@link #seedOfPython} and {@link #seedOfProduct} return.
 */
final class TorchPrf {
  private TorchPrf() {}

  /** Size of the permutation table behind {@code hashint}: {@code 1_000_003}. */
  static final int TABLE_SIZE = 1_000_003;
  /** The seed of lm-watermarking's global {@code hashint} table ({@code fib47}). */
  static final long LMW_TABLE_SEED = 2971215073L;

  private static final BigInteger TWO_64_MINUS_1 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  /** lm-watermarking's global table, built on first use (about 10 ms, 4 MB). */
  static final class LmwTable {
    private LmwTable() {}

    static final int[] TABLE = TorchRandperm.full(LMW_TABLE_SEED, TABLE_SIZE);
  }

  /**
   * The 32 seed bits used by {@code manual_seed(v % (2**64 - 1))} for a Python integer {@code v}
   * that came out of a tensor ({@code .item()}), hence lies in the int64 range.
   */
  static int seedOfPython(long v) {
    // v >= 0: v itself. v < 0: v + 2^64 - 1, whose low 64 bits are those of v - 1.
    return (int) (v >= 0 ? v : v - 1);
  }

  /** The 32 seed bits for the Python product {@code salt * v}, which does not wrap. */
  static int seedOfProduct(long salt, long v) {
    long hi = Math.multiplyHigh(salt, v);
    long lo = salt * v;
    if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
      return seedOfPython(lo);
    }
    BigInteger p = BigInteger.valueOf(salt).multiply(BigInteger.valueOf(v));
    return p.mod(TWO_64_MINUS_1).intValue();
  }

  /** {@code hashint(x)}: {@code table[x % 1_000_003] + 1}, x an int64 tensor value. */
  static long hashint(int[] table, long x) {
    return table[(int) Math.floorMod(x, (long) TABLE_SIZE)] + 1L;
  }

  /** A seed function over h tokens {@code ids[off, off + h)}; immutable and thread-safe. */
  interface SeedFunction {
    int seed(int[] ids, int off, int h);
  }

  /** lm-watermarking's seed function {@code prf} with salt (hash key) {@code salt} and its global table. */
  static SeedFunction lmw(LmwSpec.Prf prf, long salt) {
    return lmw(prf, salt, LmwTable.TABLE);
  }

  /** lm-watermarking's seed function {@code prf} with salt {@code salt} and the {@code hashint} table {@code table}. */
  static SeedFunction lmw(LmwSpec.Prf prf, long salt, int[] table) {
    switch (prf) {
      case ADDITIVE:
        return (ids, off, h) -> {
          long sum = 0;
          for (int i = 0; i < h; i++) {
            sum += ids[off + i];
          }
          return seedOfProduct(salt, sum);
        };
      case MULTIPLICATIVE:
        return (ids, off, h) -> {
          long prod = 1;
          for (int i = 0; i < h; i++) {
            prod *= ids[off + i];
          }
          return seedOfProduct(salt, prod);
        };
      case MINFUNC:
        return (ids, off, h) -> {
          long min = Long.MAX_VALUE;
          for (int i = 0; i < h; i++) {
            min = Math.min(min, ids[off + i]);
          }
          return seedOfProduct(salt, min);
        };
      case SIMPLE_SKIP:
        return (ids, off, h) -> {
          long prod = 1;
          for (int i = 0; i < h; i += 2) {
            prod *= hashint(table, salt * ids[off + i]);
          }
          return seedOfPython(prod);
        };
      case SKIPGRAM:
        return (ids, off, h) -> seedOfPython(hashint(table, salt * ids[off]));
      case ANCHORED_SKIPGRAM:
        return (ids, off, h) ->
            seedOfPython(hashint(table, salt * ids[off]) * hashint(table, salt * ids[off + h - 1]));
      case MINHASH:
        return (ids, off, h) -> {
          long min = Long.MAX_VALUE;
          for (int i = 0; i < h; i++) {
            min = Math.min(min, hashint(table, salt * ids[off + i]));
          }
          return seedOfPython(min);
        };
      case ANCHORED_MINHASH:
        return anchoredMinhash(salt, table);
      case MINSKIPGRAM:
        return (ids, off, h) -> {
          long min = Long.MAX_VALUE;
          for (int i = 0; i < h; i++) {
            long a = hashint(table, salt * ids[off + i]);
            for (int j = i + 1; j < h; j++) {
              min = Math.min(min, a * hashint(table, salt * ids[off + j]));
            }
          }
          return seedOfPython(min);
        };
      case NONCOMM:
        return (ids, off, h) -> {
          long key = salt;
          for (int i = 0; i < h; i++) {
            key *= hashint(table, key * ids[off + i]);
            key = Math.floorMod(key, 1L << 32);
          }
          return seedOfPython(key);
        };
      case POSITION:
        return (ids, off, h) -> {
          long sum = 0;
          for (int i = 0; i < h; i++) {
            sum += salt * ids[off + i] * (i + 1);
          }
          return seedOfPython(sum);
        };
      default:
        throw new AssertionError(prf);
    }
  }

  /**
   * {@code (salt * hashint(ids) * hashint(ids[-1])).min().item()}: lm-watermarking's
   * {@code anchored_minhash_prf} and, with the table seeded by the hashing key, Hugging Face's
   * {@code selfhash}. The products wrap as int64 before the minimum is taken.
   */
  static SeedFunction anchoredMinhash(long salt, int[] table) {
    return (ids, off, h) -> {
      long anchor = hashint(table, ids[off + h - 1]);
      long min = Long.MAX_VALUE;
      for (int i = 0; i < h; i++) {
        min = Math.min(min, salt * hashint(table, ids[off + i]) * anchor);
      }
      return seedOfPython(min);
    };
  }

  /** Hugging Face's {@code lefthash}: {@code hash_key * input_seq[-1].item()}, a Python product. */
  static SeedFunction hfLefthash(long salt) {
    return (ids, off, h) -> seedOfProduct(salt, ids[off + h - 1]);
  }
}
