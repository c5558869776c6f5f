package io.tracemark.core.stats;

import io.tracemark.api.Checks;
import java.util.Arrays;
import org.apache.commons.math3.transform.DftNormalization;
import org.apache.commons.math3.transform.FastFourierTransformer;
import org.apache.commons.math3.transform.TransformType;

/**
 * The upper tail of S = Σ_p M_p, where the M_p are independent and M_p is the largest of K
 * independent Gamma(n_p, 1) variables (M_p = 0 when n_p = 0): the null law of a Gumbel-family
 * payload's decoding statistic, the score sum of the best of all K^L messages. P(M_p ≤ x) = P(n_p,
 * x)^K exactly, with P the regularized lower incomplete gamma function. Stateless and thread-safe.
 *
 * <p>The tail is returned as a certified bracket [lower, upper] around P(S ≥ s):
 *
 * <ol>
 *   <li><b>Lattice.</b> On the grid x_i = iδ, U_p = δ⌈M_p/δ⌉ ≥ M_p ≥ D_p = δ(⌈M_p/δ⌉ − 1), so
 *       P(Σ D_p ≥ s) ≤ P(S ≥ s) ≤ P(Σ U_p ≥ s). Both are tails of J = Σ_p I_p, the sum of the cell
 *       indices I_p = ⌈M_p/δ⌉: P(J ≥ ⌈s/δ⌉) and P(J ≥ ⌈s/δ⌉ + L'), L' the positions with units. The
 *       bracket's width is about e^{hδL'} with h the hazard of S at s, so δ is chosen from h.
 *   <li><b>Cell probabilities without cancellation.</b> P(x_{i−1} &lt; M ≤ x_i) = g_i · Σ_{j &lt; K}
 *       P_i^j P_{i−1}^{K−1−j} (a difference of K-th powers factored into positive terms), with g_i
 *       the Gamma(n) mass of the cell. With f the Gamma(n) density, g_i = f(a) ∫_0^δ e^{ψ(t)} dt on
 *       the cell [a, a + δ], ψ(t) = βt − (n−1)φ(t/a), φ(v) = v − ln(1 + v) ∈ [v²/2 − v³/3, v²/2], so g_i
 *       lies between the integrals of e^{βt}(1 − ct²/2) and e^{βt}(1 − ct²/2 + ct³/(3a) + c²t⁴/8)
 *       (c = (n−1)/a², series in βδ), whose ratio is about 1 + nδ³/(12a³); where that bracket is
 *       wider than the cell budget allows (near 0, small n with coarse steps) g_i is the difference of
 *       directly evaluated P (left of the median) or Q (right) values, whose relative error is the
 *       functions' (taken as 10^−13) times P/g. The P_i are sums of the g from one directly evaluated P
 *       at the left end. Every cell probability has a relative error bound; the tail, a sum of
 *       products of L' cell probabilities, is widened by the largest bound among the cells that
 *       matter (lighter cells with larger bounds count as dropped mass), plus 10^−10 per cell for
 *       floating-point rounding (an estimate, not a proof).
 *   <li><b>Exponential tilting.</b> With θ ∈ [0, 1) the saddle point (Σ_p E_θ U_p ≈ s, found by
 *       Newton steps on a coarse lattice) and Z_p = Σ_i P(I_p = i) e^{θδi}, P(J ≥ k) = Π_p Z_p ·
 *       e^{−θδk} Σ_{j≥k} e^{−θδ(j−k)} q_θ(j), where q_θ is the law of J under the tilted cell laws:
 *       the convolution is done where its mass is O(1), whatever the size of the tail (10^−300 and
 *       far beyond). Each tilted cell law is truncated where its log weight is 30 below its peak;
 *       the dropped tilted mass is bounded from the left end's P(n, x)^K and the right end's tilted
 *       gamma tail K (1 − θ)^{−n} Q(n, (1 − θ)x), and added to the upper bound.
 *   <li><b>Convolution by FFT</b> (Commons Math) over a cyclic window of 16–100 σ_J cells around the
 *       tilted mean, two real laws per complex transform. Aliased mass is nonnegative, so it can only raise the upper bound; for the lower
 *       bound the tilted mass outside the window is bounded by Chernoff bounds of the truncated
 *       lattice laws and subtracted. The FFT's rounding error per output is at most (L' + 2)·8·(log2 N
 *       + 1)·2^−52 (the norm bound of radix-2 FFT rounding for inputs of unit mass), added to the
 *       upper bound and subtracted from the lower, weighted by e^{−θδ(j−k)}: with the tilt, the
 *       outputs that matter are of order 1/σ_J, so this is a relative error of about 10^−10.
 * </ol>
 *
 * <p>Cost: δ ≈ ln(ratio)/(L'h), the FFT window is about 16 σ_J/δ ≈ 16 L'(1 + θσ_S)/ln(ratio) cells
 * and each position's tilted law spans 15–30 of its standard deviations, so the work grows with L',
 * with 1/ln(ratio) and with how far s lies in the tail. When the grid would exceed an FFT of
 * {@value #MAX_FFT} points, δ is coarsened and the bracket is wider than asked (still valid).
 */
public final class MaxGammaSumLaw {
  /** A bracket whose upper/lower ratio is at most this is called tight. */
  public static final double TIGHT = 1.01;
  /** Largest FFT length (cost cap: tens of ms). */
  static final int MAX_FFT = 1 << 19;
  /** A tilted cell law is truncated where its log weight falls this far below its peak. */
  private static final double CUT = 30;
  /** Relative rounding margin per cell probability. */
  private static final double CELL_SLACK = 1e-10;
  /** Relative accuracy assumed of one evaluation of P(n, x) or Q(n, x). */
  private static final double FUNCTION_ERROR = 1e-13;
  private static final double EPS = Math.ulp(1.0);
  /** The multiples of d/σ² tried as the Chernoff parameter λ (tilted tails are between Gaussian and exponential). */
  private static final double[] CHERNOFF_STEPS = {1.0 / 256, 1.0 / 64, 1.0 / 16, 1.0 / 8, 0.25, 0.5, 1, 2};
  private static final double LN10 = Math.log(10);
  /** Mean and variance of the largest of K standard normals, K = 1 … 16 (index K − 1), for the first guess of θ. */
  private static final double[][] NORMAL_MAX = normalMaxMoments(16);

  private MaxGammaSumLaw() {}

  /**
   * A certified bracket of log10 P(S ≥ s).
   *
   * @param log10Upper log10 of an upper bound of the tail (≤ 0)
   * @param log10Lower log10 of a lower bound of the tail (≤ log10Upper; −∞ when none was certified)
   */
  public record Tail(double log10Upper, double log10Lower) {
    /** upper / lower. */
    public double ratio() {
      return Math.pow(10, log10Upper - log10Lower);
    }

    /** Whether upper / lower ≤ {@link #TIGHT}. */
    public boolean tight() {
      return log10Upper - log10Lower <= Math.log10(TIGHT);
    }
  }

  /**
   * The bracket of log10 P(Σ_p M_p ≥ s), M_p the largest of {@code values} independent Gamma(units[p], 1)
   * variables (0 when units[p] = 0).
   *
   * @throws IllegalArgumentException if a unit count is negative, {@code values} is outside [1, 2^16] or s is NaN
   */
  public static Tail log10UpperTail(long[] units, int values, double s) {
    return log10UpperTail(units, values, s, TIGHT);
  }

  /**
   * The same bracket, refined until upper/lower ≤ {@code ratio} when the cost allows (a larger ratio is
   * cheaper: the work grows as 1/ln(ratio)).
   *
   * @throws IllegalArgumentException as {@link #log10UpperTail(long[], int, double)}, or if ratio ≤ 1
   */
  public static Tail log10UpperTail(long[] units, int values, double s, double ratio) {
    Checks.require(ratio > 1 && ratio < Double.POSITIVE_INFINITY, "ratio must be > 1 and finite, was %s", ratio);
    Checks.require(values >= 1 && values <= 1 << 16, "values must be between 1 and 65536, was %d", values);
    Checks.require(!Double.isNaN(s), "s must not be NaN");
    int positions = 0;
    for (long n : units) {
      Checks.require(n >= 0, "units must be >= 0, was %d", n);
      if (n > 0) {
        positions++;
      }
    }
    if (s <= 0) {
      return new Tail(0, 0);
    }
    if (positions == 0 || s == Double.POSITIVE_INFINITY) {
      return new Tail(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY);
    }
    long[] n = new long[positions];
    int at = 0;
    for (long u : units) {
      if (u > 0) {
        n[at++] = u;
      }
    }
    Arrays.sort(n);
    return new Problem(n, values, s, Math.log10(ratio)).solve();
  }

  /** One tail computation. */
  private static final class Problem {
    final long[] n;
    final int k;
    final double s;
    final int positions;
    /** Accumulated cells of the current build; a build stops when it exceeds the budget. */
    long cells;
    long cellBudget;
    /**
     * Largest relative half-width of a cell's quadrature bracket; wider cells (near 0, or steps that are
     * coarse for n) are evaluated directly, which costs more. The coarse lattices that only locate the
     * saddle point use none.
     */
    double maxWidth;

    final double log10Target;

    Problem(long[] n, int k, double s, double log10Target) {
      this.log10Target = log10Target;
      this.n = n;
      this.k = k;
      this.s = s;
      this.positions = n.length;
    }

    Tail solve() {
      double[] mv = k <= NORMAL_MAX.length ? NORMAL_MAX[k - 1] : normalMax(k);
      double mu = 0;
      double var = 0;
      double minSd = Double.POSITIVE_INFINITY;
      for (long np : n) {
        mu += np + mv[0] * Math.sqrt(np);
        var += mv[1] * np;
        minSd = Math.min(minSd, Math.sqrt(np));
      }
      // first guess: exact for one gamma (1 − n/s), the normal tilt (s − μ)/σ² near the mean
      double theta = s <= mu ? 0 : 1 - 1 / (1 + (s - mu) / var);
      // Newton steps on a coarse lattice: the saddle point of the lattice law
      double sdS = Math.sqrt(var);
      Lattice[] coarse = null;
      double coarseCells = 0;
      double coarseDelta = 1;
      for (int it = 0; it < 8; it++) {
        double delta = minSd / (8 * (1 - theta));
        coarseDelta = delta;
        cellBudget = 4L * MAX_FFT;
        cells = 0;
        maxWidth = Double.POSITIVE_INFINITY;
        coarse = build(theta, delta);
        if (coarse == null) {
          break;
        }
        coarseCells = cells;
        double mean = 0;
        double v = 0;
        for (Lattice l : coarse) {
          mean += (l.lo + l.mean - 0.5) * delta;
          v += l.var * delta * delta + delta * delta / 12;
        }
        sdS = Math.sqrt(v);
        if (theta == 0 && s <= mean) {
          break;
        }
        if (Math.abs(s - mean) < 0.1 * sdS) {
          break;
        }
        double next = theta + (s - mean) / v;
        next = Math.max(0, Math.min(next, theta + 0.9 * (1 - theta)));
        if (next == theta) {
          break;
        }
        theta = next;
      }
      double hazard = theta + 1 / sdS;
      double delta = 0.9 * log10Target * LN10 / (positions * hazard);
      // the cells scale as 1/δ: the finest step the cost cap allows (cells and FFT window)
      double finest = 1.15 * Math.max(coarseCells * coarseDelta / (2.0 * MAX_FFT), 24 * sdS / MAX_FFT);
      delta = Math.max(delta, finest);
      Tail best = null;
      for (int attempt = 0; attempt < 6; attempt++) {
        Tail t = tailAt(theta, delta);
        if (t != null) {
          if (best == null || t.log10Upper - t.log10Lower < best.log10Upper - best.log10Lower) {
            best = t;
          }
          if (t.log10Upper - t.log10Lower <= log10Target || delta <= finest) {
            return t;
          }
          delta = Math.max(finest, delta / 2);
        } else {
          if (best != null) {
            return best;
          }
          delta *= 4;
        }
      }
      return best != null ? best : new Tail(0, Double.NEGATIVE_INFINITY);
    }

    /** The bracket at tilt θ and step δ, or null when the grid exceeds the budget. */
    Tail tailAt(double theta, double delta) {
      cells = 0;
      cellBudget = 2L * MAX_FFT;
      // the cells' quadrature error costs at most a thousandth of the bracket
      maxWidth = 1e-3 * log10Target * LN10 / (positions * (3.0 * k + 1));
      Lattice[] lat = build(theta, delta);
      if (lat == null) {
        return null;
      }
      long lo = 0;
      long span = 0;
      double muJ = 0;
      double varJ = 0;
      double lnZ = 0;
      double eps = 0;
      double drop = 0;
      for (Lattice l : lat) {
        lo += l.lo;
        span += l.w.length;
        muJ += l.lo + l.mean;
        varJ += l.var;
        lnZ += l.lnZ;
        eps += l.eps;
        drop += l.drop;
      }
      double sdJ = Math.sqrt(varJ);
      double kReal = Math.ceil(s / delta);
      if (kReal > 4e18) {
        return null;
      }
      long kUp = (long) kReal;
      long kLow = kUp + positions;
      double decay = theta * delta;
      double step = Math.exp(-decay);
      // the window: 16 σ_J around the tilted mean, widened until the tilted mass outside it is negligible
      for (double width = 16; ; width *= 1.5) {
        long needed = (long) Math.ceil(width * sdJ) + 4L * positions + 64;
        boolean aliasFree = span <= needed;
        long len = aliasFree ? span : needed;
        if (len > MAX_FFT) {
          return null;
        }
        int size = Integer.highestOneBit((int) Math.max(len, 2));
        if (size < len) {
          size <<= 1;
        }
        long j0 = aliasFree ? lo : Math.max(lo, (long) Math.floor(muJ) - size / 2);
        double above = aliasFree ? 0 : chernoff(lat, j0 + size - muJ, 1);
        double below = aliasFree ? 0 : chernoff(lat, muJ - (j0 - 1), -1);
        if (!aliasFree && above + below > 1e-14 && width < 100) {
          continue;
        }
        double[] q = convolve(lat, size, j0);
        double fftError = 8.0 * (positions + 2) * (Integer.numberOfTrailingZeros(size) + 1) * EPS;
        // upper: every term the window holds, the mass beyond it, the truncated mass and the FFT error
        double upper = 0;
        double weights = 0;
        double w = kUp >= j0 ? 1 : Math.exp(-decay * (j0 - kUp));
        for (long j = Math.max(kUp, j0); j < j0 + size; j++) {
          upper += w * Math.max(q[(int) (j - j0)], 0);
          weights += w;
          w *= step;
        }
        upper += fftError * weights + above * Math.exp(-decay * Math.max(0, j0 + size - kUp))
            + (kUp < j0 ? below : 0) + Math.expm1(drop);
        double lower = 0;
        double lowWeights = 0;
        w = kLow >= j0 ? 1 : Math.exp(-decay * (j0 - kLow));
        for (long j = Math.max(kLow, j0); j < j0 + size; j++) {
          lower += w * q[(int) (j - j0)];
          lowWeights += w;
          w *= step;
        }
        // aliased mass is at most the mass outside the window; cells whose error exceeds ε (counted in
        // the dropped mass) may be overestimated: their share is subtracted too
        lower -= fftError * lowWeights + above + below + Math.expm1(drop);
      double lnUpper = Math.min(0, lnZ - decay * kUp + Math.log(upper) + eps);
      double lnLower = lower > 0 ? Math.min(lnUpper, lnZ - decay * kLow + Math.log(lower) - eps)
          : Double.NEGATIVE_INFINITY;
      return new Tail(lnUpper / LN10, lnLower / LN10);
      }
    }

    Lattice[] build(double theta, double delta) {
      Lattice[] out = new Lattice[positions];
      for (int p = 0; p < positions; p++) {
        if (p > 0 && n[p] == n[p - 1]) {
          out[p] = out[p - 1];
          continue;
        }
        out[p] = Lattice.of(n[p], k, theta, delta, this);
        if (out[p] == null) {
          return null;
        }
      }
      return out;
    }
  }

  /** The truncated tilted law of one position's cell index I = ⌈M/δ⌉. */
  private static final class Lattice {
    /** Index of the first kept cell. */
    long lo;
    /** Normalized tilted weights of the kept cells. */
    double[] w;
    /** ln Σ_kept P(I = i) e^{θδi}. */
    double lnZ;
    /** Tilted mean of I − lo and variance of I. */
    double mean;
    double var;
    /** Relative error bound of the cell probabilities (ln factor). */
    double eps;
    /** ln(1 + dropped tilted mass / kept tilted mass), bounded. */
    double drop;
    /** Blocks of cells for Chernoff bounds: weight, first and last local index. */
    double[] blockW;
    double[] blockMin;
    double[] blockMax;

    synchronized void blocks() {
      if (blockW != null) {
        return;
      }
      int size = Math.max(1, w.length / 64);
      int count = (w.length + size - 1) / size;
      double[] bw = new double[count];
      double[] bmin = new double[count];
      double[] bmax = new double[count];
      for (int b = 0; b < count; b++) {
        int from = b * size;
        int to = Math.min(w.length, from + size);
        for (int c = from; c < to; c++) {
          bw[b] += w[c];
        }
        bmin[b] = from;
        bmax[b] = to - 1;
      }
      blockMin = bmin;
      blockMax = bmax;
      blockW = bw;
    }

    static Lattice of(long n, int k, double theta, double delta, Problem budget) {
      double sd = Math.sqrt((double) n) / (1 - theta);
      double center = (n + 1.5 * Math.sqrt((double) n)) / (1 - theta);
      for (double a = 5; ; a *= 1.5) {
        Lattice l = attempt(n, k, theta, delta, Math.max(0, center - a * sd), budget);
        if (l == null || l.drop >= 0) {
          return l;
        }
      }
    }

    /** A lattice starting at about {@code left}; drop is set negative when the left end is not far enough. */
    static Lattice attempt(long n, int k, double theta, double delta, double left, Problem budget) {
      long iL = (long) Math.floor(left / delta);
      double lnDelta = Math.log(delta);
      double nm1 = n - 1;
      double[] lw = new double[1024];
      double[] err = new double[1024];
      double errP = 0;
      int len = 0;
      double lnP;
      double lnF;
      double a;
      double maxW = Double.NEGATIVE_INFINITY;
      long start;
      if (iL <= 0) {
        // the first cell (0, δ]: its mass is P(n, δ)^K
        start = 1;
        lnP = lnGammaLower(n, delta);
        err[len] = CELL_SLACK;
        lw[len++] = k * lnP + theta * delta;
        maxW = lw[0];
        a = delta;
        lnF = lnDensity(n, a);
      } else {
        start = iL + 1;
        a = iL * delta;
        lnP = lnGammaLower(n, a);
        lnF = lnDensity(n, a);
      }
      double lnLeft = iL <= 0 ? Double.NEGATIVE_INFINITY : theta * a + k * lnP;
      long i = start + len;
      int nextCheck = 0;
      boolean direct = true;
      double lnQ = Double.NaN;
      while (true) {
        double t = delta / a;
        double psi = nm1 * Math.log1p(t) - delta;
        double u = nm1 * t - delta;
        double up;
        double dn;
        if (Math.abs(u) <= 0.5 && t <= 0.1) {
          // ψ(t) = βt − (n−1)φ(t/a), φ(v) = v − ln(1 + v) ∈ [v²/2 − v³/3, v²/2]: the integral of
          // e^{βt}(1 − ct²/2) is below, that of e^{βt}(1 − ct²/2 + ct³/(3a) + c²t⁴/8) above (c = (n−1)/a²)
          double j0 = 0;
          double j2 = 0;
          double j3 = 0;
          double j4 = 0;
          double term = 1;
          for (int j = 0; j < 60; j++) {
            j0 += term / (j + 1);
            j2 += term / (j + 3);
            j3 += term / (j + 4);
            j4 += term / (j + 5);
            term *= u / (j + 1);
            if (Math.abs(term) < 1e-18) {
              break;
            }
          }
          double ct2 = nm1 * t * t;
          double low = j0 - 0.5 * ct2 * j2;
          double high = low + ct2 * t / 3 * j3 + ct2 * ct2 / 8 * j4;
          dn = Math.log(low);
          up = Math.log(high);
        } else {
          // ψ lies between its chord and its tangent at 0 (ψ is concave)
          up = lnExpm1Over(u);
          dn = lnExpm1Over(psi);
        }
        double width = 0.5 * (up - dn);
        double lnG;
        double lnPNext;
        double r;
        double errPNext;
        double gErr;
        if (width > budget.maxWidth && direct) {
          // the chord and tangent are too far apart (a cell near 0, or a small n): the cell is the
          // difference of the P (left of the median) or Q (right) values at its ends, both evaluated directly
          double b = a + delta;
          lnPNext = lnGammaLower(n, b);
          r = Math.exp(lnP - lnPNext);
          if (lnPNext <= -Math.log(2)) {
            lnG = lnPNext + Math.log(-Math.expm1(lnP - lnPNext));
            gErr = 2 * FUNCTION_ERROR / (1 - r);
          } else {
            double lnQa = Double.isNaN(lnQ) ? PValues.lnGammaUpperTail(n, a) : lnQ;
            lnQ = PValues.lnGammaUpperTail(n, b);
            lnG = lnQa + Math.log(-Math.expm1(lnQ - lnQa));
            gErr = 2 * FUNCTION_ERROR / -Math.expm1(lnQ - lnQa);
          }
          errPNext = FUNCTION_ERROR;
        } else {
          // P is a sum of the g: its relative error is their mass-weighted average error
          direct = false;
          lnG = lnF + lnDelta + 0.5 * (up + dn);
          lnPNext = logAdd(lnP, lnG);
          r = Math.exp(lnP - lnPNext);
          gErr = width;
          errPNext = r * errP + (1 - r) * width;
        }
        double cellErr = gErr + (k - 1) * (errP + 2 * errPNext) + CELL_SLACK;
        errP = errPNext;
        double sum = 1;
        double term = 1;
        for (int j = 1; j < k; j++) {
          term *= r;
          sum += term;
        }
        double lnCell = lnG + Math.log(sum) + (k - 1) * lnPNext;
        double weight = lnCell + theta * delta * i;
        if (len == lw.length) {
          lw = Arrays.copyOf(lw, len * 2);
          err = Arrays.copyOf(err, len * 2);
        }
        err[len] = cellErr;
        lw[len++] = weight;
        if (++budget.cells > budget.cellBudget) {
          return null;
        }
        maxW = Math.max(maxW, weight);
        lnP = lnPNext;
        lnF += psi;
        a = i * delta;
        i++;
        if (weight < maxW - CUT && len >= nextCheck) {
          nextCheck = len + len / 8 + 16;
          double lnRight = theta * delta + Math.log(k) - n * Math.log1p(-theta)
              + PValues.lnGammaUpperTail(n, (1 - theta) * a);
          if (lnRight < maxW - CUT) {
            Lattice l = new Lattice();
            l.lo = start;
            double z = 0;
            for (int c = 0; c < len; c++) {
              z += Math.exp(lw[c] - maxW);
            }
            l.lnZ = maxW + Math.log(z);
            l.w = new double[len];
            double m = 0;
            double m2 = 0;
            for (int c = 0; c < len; c++) {
              double wc = Math.exp(lw[c] - l.lnZ);
              l.w[c] = wc;
              m += wc * c;
            }
            for (int c = 0; c < len; c++) {
              m2 += l.w[c] * (c - m) * (c - m);
            }
            l.mean = m;
            l.var = m2;
            // ε is the largest error of a cell that matters; lighter cells with larger errors count as dropped mass
            double eps = CELL_SLACK;
            double loose = 0;
            for (int c = 0; c < len; c++) {
              if (lw[c] - l.lnZ >= -CUT) {
                eps = Math.max(eps, err[c]);
              }
            }
            for (int c = 0; c < len; c++) {
              if (err[c] > eps) {
                loose += l.w[c] * Math.exp(err[c]);
              }
            }
            l.eps = eps;
            double dropped = Math.exp(lnRight - l.lnZ) + Math.exp(lnLeft - l.lnZ) + loose;
            l.drop = lnLeft > maxW - CUT ? -1 : Math.log1p(dropped);
            return l;
          }
        }
      }
    }
  }

  /** The cyclic convolution, over {@code size} cells from index j0, of the positions' tilted laws. */
  static double[] convolve(Lattice[] lat, int size, long j0) {
    double[] re = null;
    double[] im = null;
    // two real sequences per complex FFT: z = x + iy, X_k = (Z_k + conj Z_{−k})/2, Y_k = (Z_k − conj Z_{−k})/2i
    for (int p = 0; p < lat.length; p += 2) {
      double[][] z = new double[2][size];
      fold(lat[p], z[0], size, p == 0 ? lat[p].lo - j0 : lat[p].lo);
      boolean pair = p + 1 < lat.length;
      if (pair) {
        fold(lat[p + 1], z[1], size, lat[p + 1].lo);
      }
      FastFourierTransformer.transformInPlace(z, DftNormalization.STANDARD, TransformType.FORWARD);
      if (re == null) {
        re = new double[size];
        im = new double[size];
        Arrays.fill(re, 1.0);
      }
      for (int f = 0; f < size; f++) {
        int g = (size - f) & (size - 1);
        double xr = 0.5 * (z[0][f] + z[0][g]);
        double xi = 0.5 * (z[1][f] - z[1][g]);
        multiply(re, im, f, xr, xi);
        if (pair) {
          double yr = 0.5 * (z[1][f] + z[1][g]);
          double yi = -0.5 * (z[0][f] - z[0][g]);
          multiply(re, im, f, yr, yi);
        }
      }
    }
    double[][] out = {re, im};
    FastFourierTransformer.transformInPlace(out, DftNormalization.STANDARD, TransformType.INVERSE);
    return out[0];
  }

  private static void multiply(double[] re, double[] im, int f, double xr, double xi) {
    double r = re[f] * xr - im[f] * xi;
    im[f] = re[f] * xi + im[f] * xr;
    re[f] = r;
  }

  private static void fold(Lattice l, double[] into, int size, long shift) {
    int mask = size - 1;
    int at = (int) Math.floorMod(shift, (long) size);
    for (double w : l.w) {
      into[at] += w;
      at = (at + 1) & mask;
    }
  }

  /**
   * A Chernoff bound of the tilted mass of J at distance ≥ d above (sign 1) or below (sign −1) its mean
   * μ: min over λ of e^{−λd} Π_p E e^{λ·sign·(I_p − μ_p)}, each expectation bounded from above on blocks
   * of cells (the block's total weight at its farthest index).
   */
  static double chernoff(Lattice[] lat, double d, int sign) {
    if (d <= 0) {
      return 1;
    }
    double varJ = 0;
    for (Lattice l : lat) {
      varJ += l.var;
    }
    double best = 0;
    double lambda0 = d / Math.max(varJ, 1e-300);
    for (double c : CHERNOFF_STEPS) {
      double lambda = lambda0 * c;
      double lnM = -lambda * d;
      for (Lattice l : lat) {
        l.blocks();
        double[] at = sign > 0 ? l.blockMax : l.blockMin;
        double maxE = Double.NEGATIVE_INFINITY;
        for (double x : at) {
          maxE = Math.max(maxE, lambda * sign * (x - l.mean));
        }
        double sum = 0;
        for (int b = 0; b < at.length; b++) {
          sum += l.blockW[b] * Math.exp(lambda * sign * (at[b] - l.mean) - maxE);
        }
        lnM += maxE + Math.log(sum);
      }
      best = Math.min(best, lnM);
    }
    return Math.exp(best);
  }

  /** ln((e^u − 1)/u), 0 at u = 0. */
  static double lnExpm1Over(double u) {
    double au = Math.abs(u);
    if (au < 1e-3) {
      return u / 2 + u * u / 24 - u * u * u * u / 2880;
    }
    if (u > 700) {
      return u - Math.log(u) + Math.log1p(-Math.exp(-u));
    }
    return Math.log(Math.expm1(u) / u);
  }

  static double logAdd(double a, double b) {
    if (a == Double.NEGATIVE_INFINITY) {
      return b;
    }
    if (b == Double.NEGATIVE_INFINITY) {
      return a;
    }
    return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
  }

  /** ln of the Gamma(n, 1) density at x > 0. */
  static double lnDensity(long n, double x) {
    return n == 1 ? -x : PValues.lnPoissonRaw(n - 1, x);
  }

  /** ln P(n, x), the regularized lower incomplete gamma function, by its series below n + 1. */
  static double lnGammaLower(long n, double x) {
    if (x >= n + 1) {
      return Math.log1p(-Math.exp(PValues.lnGammaUpperTail(n, x)));
    }
    double sum = 1.0;
    double term = 1.0;
    for (long j = 1; j < 100_000_000L; j++) {
      term *= x / (n + j);
      double next = sum + term;
      if (next == sum) {
        break;
      }
      sum = next;
    }
    return PValues.lnPoissonRaw(n, x) + Math.log(sum);
  }

  private static double[][] normalMaxMoments(int upTo) {
    double[][] out = new double[upTo][];
    for (int k = 1; k <= upTo; k++) {
      out[k - 1] = normalMax(k);
    }
    return out;
  }

  /** Mean and variance of the largest of K standard normals, by the trapezoidal rule on [−12, 12]. */
  private static double[] normalMax(int k) {
    int steps = 4800;
    double h = 24.0 / steps;
    double m0 = 0;
    double m1 = 0;
    double m2 = 0;
    for (int i = 0; i <= steps; i++) {
      double x = -12 + i * h;
      double phi = Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
      double cdf = 0.5 * org.apache.commons.math3.special.Erf.erfc(-x / Math.sqrt(2));
      double d = k * phi * Math.pow(cdf, k - 1);
      m0 += d;
      m1 += d * x;
      m2 += d * x * x;
    }
    double mean = m1 / m0;
    return new double[] {mean, m2 / m0 - mean * mean};
  }
}
