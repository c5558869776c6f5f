package io.tracemark.core.stats;

import java.util.Arrays;
import java.util.Locale;

/**
 * ln P(D ≥ d) for D = Σ_c step_c·Y_c, a sum of independent integer components (binomial, negative
 * binomial, Poisson) with nonzero integer steps, exact to floating-point accuracy. Immutable and
 * thread-safe.
 *
 * <p>Method: exact lattice Fourier inversion along a tilted contour. With K the cumulant
 * generating function of D and any θ > 0 in its domain,
 *
 * <pre>
 *   P(D ≥ d) = exp(K(θ) − θd) · I,   I = Σ_{j ≥ 0} e^{−θj} P_θ(D = d + j)
 *            = exp(K(θ) − θd) · (1/2π) ∫_{−π}^{π} φ_θ(t) e^{−itd} / (1 − e^{−θ−it}) dt,
 * </pre>
 *
 * where P_θ is the exponentially tilted law (each component stays in its family with tilted
 * parameters) and φ_θ its characteristic function. θ is the saddle point (tilted mean d), or near
 * the mean about 2/σ so that the factor 1/(1 − e^{−θ−it}) stays about as wide as φ_θ. Binomials
 * with π > 1/2 are written as their failures, so phases and means stay of the size of the
 * fluctuations. The integrand is 2π-periodic, so the N-point trapezoidal rule returns Σ_q a_{qN}
 * where a_m = Σ_{j≥0} e^{−θj} P_θ(D = d + m + j) ≥ 0 and a_0 = I: it never underestimates, and the
 * excess is bounded by Chernoff bounds of the tilted law. Only nodes where the integrand can
 * matter are evaluated: with Q(t) = Σ_c w_c (1 − cos(step_c·t)) ≤ −ln |φ_θ(t)| (w_c from ln(1 − x)
 * ≤ −x and the concavity of ln(1 + x)), Q has the Lipschitz constant Σ_c w_c |step_c| and |Q''| ≤
 * Σ_c w_c step_c², so after a node where Q exceeds the threshold the nodes up to where either
 * bound could reach it are provably negligible and are skipped.
 *
 * <p>Certificate: the aliasing bound, the skipped-node bound and a first-order rounding-error
 * estimate (phases of size Φ lose about ε·Φ) are added up. A binomial-only problem is computed by
 * direct convolution of the tilted per-component binomials instead when that is cheaper or when the
 * Fourier certificate fails (nonnegative terms: relative accuracy whatever the lattice structure;
 * each component truncated to a Bernstein window with its dropped mass bounded); any other
 * uncertified problem throws {@link ArithmeticException}. Rounding error exceeds the certificate
 * only when the lattice law is rough (gaps between reachable values) under a steep tilt.
 */
final class LatticeTail {
  /** Largest accepted relative error of ln p (the public contract is 1e-9 on log10 p). */
  static final double MAX_RELATIVE_ERROR = 5e-10;

  static final int BINOMIAL = 0;
  static final int NEGATIVE_BINOMIAL = 1;
  static final int POISSON = 2;

  private static final double EPS = Math.ulp(1.0);
  private static final double TWO_PI = 2 * Math.PI;
  /** Largest lattice period N: node products r·(d mod N) stay exact with the double-quotient trick. */
  private static final long MAX_NODES = 1L << 50;
  /** Work budget (multiply-adds) of the direct-convolution fallback. */
  static final long CONVOLUTION_BUDGET = 1_000_000_000L;

  /**
   * How a tail was computed (for tests and diagnostics): at the edge of the support, the point mass
   * at the maximum, one level by {@link PValues}, Fourier inversion, or direct convolution.
   */
  enum Method { BOUND, POINT_MASS, SINGLE_LEVEL, FOURIER, CONVOLUTION }

  /** A computed ln p with its method, certified relative error of ln p, and work. */
  record Evaluation(double lnP, Method method, double relativeError, long work) {}

  private final int size;
  private final int[] kind;
  private final long[] step;
  private final long[] trials;
  /** binomial: π; negative binomial: q (failure probability); Poisson: mean. */
  private final double[] a;
  /** binomial: 1 − π; negative binomial: p = 1 − q; Poisson: unused. */
  private final double[] b;
  /** binomial: ln π; negative binomial: ln q; Poisson: ln mean. */
  private final double[] lnA;
  /** binomial: ln(1 − π); negative binomial: ln p; Poisson: unused. */
  private final double[] lnB;

  private LatticeTail(int size, int[] kind, long[] step, long[] trials, double[] a, double[] b, double[] lnA,
      double[] lnB) {
    this.size = size;
    this.kind = kind;
    this.step = step;
    this.trials = trials;
    this.a = a;
    this.b = b;
    this.lnA = lnA;
    this.lnB = lnB;
  }

  /** Collects components; not thread-safe. */
  static final class Builder {
    private int size;
    private int[] kind = new int[8];
    private long[] step = new long[8];
    private long[] trials = new long[8];
    private double[] a = new double[8];
    private double[] b = new double[8];
    private double[] lnA = new double[8];
    private double[] lnB = new double[8];

    private void add(int k, long s, long n, double pa, double pb, double la, double lb) {
      if (size == kind.length) {
        int c = 2 * size;
        kind = Arrays.copyOf(kind, c);
        step = Arrays.copyOf(step, c);
        trials = Arrays.copyOf(trials, c);
        a = Arrays.copyOf(a, c);
        b = Arrays.copyOf(b, c);
        lnA = Arrays.copyOf(lnA, c);
        lnB = Arrays.copyOf(lnB, c);
      }
      kind[size] = k;
      step[size] = s;
      trials[size] = n;
      a[size] = pa;
      b[size] = pb;
      lnA[size] = la;
      lnB[size] = lb;
      size++;
    }

    /** step·Binomial(n, p), p in (0, 1). */
    Builder binomial(long s, long n, double p) {
      if (n > 0) {
        add(BINOMIAL, s, n, p, 1 - p, Math.log(p), Math.log1p(-p));
      }
      return this;
    }

    /**
     * step·NegativeBinomial(n, p): failures before the n-th success of probability p in (0, 1]; the
     * failure probability is taken as exactly 1 − p.
     */
    Builder negativeBinomial(long s, long n, double p) {
      if (n > 0 && p < 1) {
        add(NEGATIVE_BINOMIAL, s, n, 1 - p, p, Math.log1p(-p), Math.log(p));
      }
      return this;
    }

    /** step·Poisson(mean). */
    Builder poisson(long s, double mean) {
      if (mean > 0) {
        add(POISSON, s, 1, mean, 0, Math.log(mean), 0);
      }
      return this;
    }

    LatticeTail build() {
      return new LatticeTail(size, Arrays.copyOf(kind, size), Arrays.copyOf(step, size), Arrays.copyOf(trials, size),
          Arrays.copyOf(a, size), Arrays.copyOf(b, size), Arrays.copyOf(lnA, size), Arrays.copyOf(lnB, size));
    }
  }

  /** ln P(D ≥ d). */
  double lnUpperTail(long d) {
    return evaluate(d).lnP();
  }

  /** ln P(D ≥ d) with how it was computed; throws {@link ArithmeticException} if it cannot be certified. */
  Evaluation evaluate(long d) {
    if (flipOffset() != 0) {
      return flipped().evaluate(d - flipOffset());
    }
    if (d <= minimum()) {
      return new Evaluation(0.0, Method.BOUND, 0, 0);
    }
    if (d > maximum()) {
      return new Evaluation(Double.NEGATIVE_INFINITY, Method.BOUND, 0, 0);
    }
    if (d <= mean(0)) {
      // P is about 1/2 or more: 1 − P(D ≤ d − 1), the lower tail l being the upper tail of −D; an
      // absolute error e of ln l moves ln p by e·l/(1 − l), at most 2e relative to |ln p| when l < 1/2
      // (and about e when l is small)
      Evaluation lower = negate().upper(1 - d, MAX_RELATIVE_ERROR);
      double l = Math.exp(lower.lnP());
      if (l < 0.5) {
        double lnP = Math.log1p(-l);
        double absolute = absoluteError(lower) * l / (1 - l);
        double rel = lnP == 0 ? 0 : absolute / Math.abs(lnP);
        // within 1e-15 of p = 1, an absolute error of ln p below 1e-25 is as good as exact
        if (rel <= MAX_RELATIVE_ERROR || (l < 1e-15 && absolute < 1e-25)) {
          return new Evaluation(lnP, lower.method(), rel, lower.work());
        }
      }
    }
    Evaluation direct = upper(d, Double.NaN);
    if (direct.relativeError() <= MAX_RELATIVE_ERROR) {
      return direct;
    }
    throw new ArithmeticException(String.format(Locale.ROOT,
        "lattice tail at d=%d cannot be certified: relative error of ln p %.3g exceeds %.1g", d,
        direct.relativeError(), MAX_RELATIVE_ERROR));
  }

  private static double absoluteError(Evaluation e) {
    return e.relativeError() * Math.abs(e.lnP());
  }

  /**
   * ln P(D ≥ d) for min < d ≤ max by a contour with θ > 0. The Fourier result is accepted when its
   * absolute error of ln p is at most {@code maxAbsolute} (or, if that is NaN, its relative error at
   * most {@link #MAX_RELATIVE_ERROR}); otherwise a binomial law is recomputed by direct convolution
   * when that is affordable, and the better certified result is returned. The caller checks it.
   */
  private Evaluation upper(long d, double maxAbsolute) {
    if (d == maximum()) {
      return new Evaluation(lnPointMassAtMaximum(), Method.POINT_MASS, 4 * size * EPS, 0);
    }
    double mean = mean(0);
    double thetaHat = d > mean ? saddle(d) : 0;
    // θ ≥ 2/σ_θ keeps 1/(1 − e^{−θ−it}) about as wide as φ_θ (fewer nodes) while the integrand's
    // absolute sum stays within a factor 3 of I (for σ_θ < 2 the law sits on a few points); but no
    // further than the tilt whose mean is E D + 2σ, so that a skewed D is not pushed far past d
    double floor = 2 / Math.max(2, Math.sqrt(variance(thetaHat)));
    double floorTarget = Math.min(Math.ceil(mean + 2 * Math.sqrt(variance(0))), maximum() - 1.0);
    if (floorTarget > mean && floorTarget > d) {
      floor = Math.min(floor, saddle((long) floorTarget));
    }
    double theta = Math.max(thetaHat, floor);
    double sup = thetaSup();
    if (theta >= sup) {
      theta = 0.5 * (thetaHat + sup);
    }
    LatticeTail tilt = tilt(theta);
    // the tilted law with every binomial of π > 1/2 written as its failures (D = offset + D'), so
    // that phases and means stay of the size of the fluctuations, not of n
    LatticeTail tilted = tilt.flipped();
    long dt = d - tilt.flipOffset();
    double lnPrefactor = lnPrefactor(theta, d);
    // rounding of each term, plus parameters rounded by ε shifting the law by about ε·|E D|
    double prefactorError = 4 * EPS * (excessMagnitude(theta) + Math.abs(theta * meanMinus(d))
        + theta * meanMagnitude());
    boolean binomial = allBinomial();
    long convolutionCost = binomial ? tilted.convolutionCost(Math.log(1e-30)) : Long.MAX_VALUE;
    // a Fourier node costs about as much per component as 100 multiply-adds (sin, cos, atan2, log1p):
    // past that budget the direct convolution is cheaper
    long nodeBudget = convolutionCost == Long.MAX_VALUE ? Long.MAX_VALUE : convolutionCost / (100L * size) + 64;
    Evaluation fourier = tilted.fourier(dt, theta, lnPrefactor, prefactorError, nodeBudget);
    if (fourier != null) {
      boolean accepted = Double.isNaN(maxAbsolute) ? fourier.relativeError() <= MAX_RELATIVE_ERROR
          : absoluteError(fourier) <= maxAbsolute;
      if (accepted || !binomial) {
        return fourier;
      }
    }
    Evaluation direct;
    try {
      direct = tilted.convolution(dt, theta, lnPrefactor, prefactorError);
    } catch (ArithmeticException tooCostly) {
      if (fourier == null) {
        throw tooCostly;
      }
      return fourier;
    }
    return fourier == null || direct.relativeError() <= fourier.relativeError() ? direct : fourier;
  }

  /**
   * K(θ) − θd, written as Σ_c [K_c(θ) − θ·E Y_c·step_c] + θ·(E D − d): each bracket is a sum of
   * nonnegative terms computed without cancellation, and E D − d is formed in double-double, so the
   * error stays relative to the result rather than to θ·d.
   */
  private double lnPrefactor(double theta, long d) {
    double s = 0;
    for (int c = 0; c < size; c++) {
      s += componentExcess(c, theta * step[c]);
    }
    return s + theta * meanMinus(d);
  }

  private double excessMagnitude(double theta) {
    double s = 0;
    for (int c = 0; c < size; c++) {
      s += Math.abs(componentExcess(c, theta * step[c]));
    }
    return s;
  }

  /** K_c(τ) − τ·E Y_c, ≥ 0. */
  private double componentExcess(int c, double tau) {
    double n = trials[c];
    switch (kind[c]) {
      case BINOMIAL: {
        if (Math.abs(tau) > 30) {
          return componentCumulant(c, tau) - n * a[c] * tau;
        }
        // ln((1−π)e^{−πτ} + πe^{(1−π)τ}) = ln(1 + (1−π)·expm1mx(−πτ) + π·expm1mx((1−π)τ))
        return n * Math.log1p(b[c] * expm1mx(-a[c] * tau) + a[c] * expm1mx(b[c] * tau));
      }
      case NEGATIVE_BINOMIAL: {
        if (lnA[c] + tau >= 0) {
          return Double.POSITIVE_INFINITY;
        }
        // −ln(1 − y) − (q/p)τ with y = q·expm1(τ)/p: [−ln(1 − y) − y] + (q/p)·expm1mx(τ)
        double y = a[c] * Math.expm1(tau) / b[c];
        return n * (-log1pmx(-y) + a[c] / b[c] * expm1mx(tau));
      }
      default:
        return a[c] * expm1mx(tau);
    }
  }

  /** E D − d in double-double (each product n·μ·step exact by fma, summed with error compensation). */
  private double meanMinus(long d) {
    double hi = -(double) d;
    double lo = -(double) (d + (long) hi);
    for (int c = 0; c < size; c++) {
      double x = (double) trials[c] * step[c];
      double mu = componentMean(c);
      double prod = x * mu;
      double prodErr = Math.fma(x, mu, -prod);
      double sum = hi + prod;
      double bv = sum - hi;
      double sumErr = (hi - (sum - bv)) + (prod - bv);
      hi = sum;
      lo += sumErr + prodErr;
    }
    return hi + lo;
  }

  /** Σ_c |step_c·E Y_c|. */
  private double meanMagnitude() {
    double m = 0;
    for (int c = 0; c < size; c++) {
      m += Math.abs((double) trials[c] * step[c] * componentMean(c));
    }
    return m;
  }

  /** E Y_c / trials: π, q/p, or the Poisson mean. */
  private double componentMean(int c) {
    return kind[c] == NEGATIVE_BINOMIAL ? a[c] / b[c] : a[c];
  }

  // ---------------------------------------------------------------- support, moments, tilting

  private long minimum() {
    long m = 0;
    for (int c = 0; c < size; c++) {
      if (step[c] < 0) {
        if (kind[c] != BINOMIAL) {
          return Long.MIN_VALUE;
        }
        m += step[c] * trials[c];
      }
    }
    return m;
  }

  private long maximum() {
    long m = 0;
    for (int c = 0; c < size; c++) {
      if (step[c] > 0) {
        if (kind[c] != BINOMIAL) {
          return Long.MAX_VALUE;
        }
        m += step[c] * trials[c];
      }
    }
    return m;
  }

  private boolean allBinomial() {
    for (int c = 0; c < size; c++) {
      if (kind[c] != BINOMIAL) {
        return false;
      }
    }
    return true;
  }

  /**
   * ln P(D = max): every component at its extreme, all trials of the binomials with a positive step
   * and zero for every component with a negative step (only binomials have a positive step when the
   * maximum is finite).
   */
  private double lnPointMassAtMaximum() {
    double s = 0;
    for (int c = 0; c < size; c++) {
      if (step[c] > 0) {
        s += trials[c] * lnA[c];
      } else if (kind[c] == POISSON) {
        s -= a[c];
      } else {
        s += trials[c] * lnB[c];
      }
    }
    return s;
  }

  /** Supremum of the tilts θ > 0 at which K(θ) is finite. */
  private double thetaSup() {
    double sup = Double.POSITIVE_INFINITY;
    for (int c = 0; c < size; c++) {
      if (kind[c] == NEGATIVE_BINOMIAL && step[c] > 0) {
        sup = Math.min(sup, -lnA[c] / step[c]);
      }
    }
    return sup;
  }

  /** Infimum of the tilts λ < 0 at which K(λ) is finite (−∞ when unbounded). */
  private double thetaInf() {
    double inf = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < size; c++) {
      if (kind[c] == NEGATIVE_BINOMIAL && step[c] < 0) {
        inf = Math.max(inf, -lnA[c] / step[c]);
      }
    }
    return inf;
  }

  /** Σ step·n over the binomials with π > 1/2: D = this offset + D' for the law of {@link #flipped}. */
  private long flipOffset() {
    long offset = 0;
    for (int c = 0; c < size; c++) {
      if (kind[c] == BINOMIAL && a[c] > 0.5) {
        offset += step[c] * trials[c];
      }
    }
    return offset;
  }

  /** The law with each binomial of π > 1/2 replaced by its failures n − X (step negated, π ↔ 1 − π). */
  private LatticeTail flipped() {
    long[] s = step.clone();
    double[] na = a.clone();
    double[] nb = b.clone();
    double[] nla = lnA.clone();
    double[] nlb = lnB.clone();
    for (int c = 0; c < size; c++) {
      if (kind[c] == BINOMIAL && a[c] > 0.5) {
        s[c] = -step[c];
        na[c] = b[c];
        nb[c] = a[c];
        nla[c] = lnB[c];
        nlb[c] = lnA[c];
      }
    }
    return new LatticeTail(size, kind, s, trials, na, nb, nla, nlb);
  }

  private LatticeTail negate() {
    long[] s = new long[size];
    for (int c = 0; c < size; c++) {
      s[c] = -step[c];
    }
    return new LatticeTail(size, kind, s, trials, a, b, lnA, lnB);
  }

  /** The same components under the tilt e^{θD}. */
  LatticeTail tilt(double theta) {
    double[] na = new double[size];
    double[] nb = new double[size];
    double[] nla = new double[size];
    double[] nlb = new double[size];
    for (int c = 0; c < size; c++) {
      double tau = theta * step[c];
      switch (kind[c]) {
        case BINOMIAL: {
          double logit = lnA[c] - lnB[c] + tau;
          nla[c] = -softplus(-logit);
          nlb[c] = -softplus(logit);
          na[c] = Math.exp(nla[c]);
          nb[c] = Math.exp(nlb[c]);
          break;
        }
        case NEGATIVE_BINOMIAL: {
          nla[c] = lnA[c] + tau;
          na[c] = Math.exp(nla[c]);
          nb[c] = -Math.expm1(nla[c]);
          nlb[c] = Math.log(nb[c]);
          break;
        }
        default: {
          // mean·e^τ rather than e^{ln mean + τ}: the rounding stays relative to the mean
          nla[c] = lnA[c] + tau;
          na[c] = a[c] * Math.exp(tau);
          break;
        }
      }
    }
    return new LatticeTail(size, kind, step, trials, na, nb, nla, nlb);
  }

  /** K(λ) = ln E e^{λD}, +∞ outside the domain. */
  double cumulant(double lambda) {
    double k = 0;
    for (int c = 0; c < size; c++) {
      k += componentCumulant(c, lambda * step[c]);
    }
    return k;
  }

  /** Σ_c |K_c(λ)|, the scale of the rounding error of {@link #cumulant}. */
  private double cumulantMagnitude(double lambda) {
    double k = 0;
    for (int c = 0; c < size; c++) {
      k += Math.abs(componentCumulant(c, lambda * step[c]));
    }
    return k;
  }

  private double componentCumulant(int c, double tau) {
    switch (kind[c]) {
      case BINOMIAL: {
        // ln(1 − π + π e^τ): log1p near τ = 0 keeps the error relative to the (small) value
        double x = a[c] * Math.expm1(tau);
        if (tau < 700 && Math.abs(x) < 0.5) {
          return trials[c] * Math.log1p(x);
        }
        return trials[c] * logAddExp(lnB[c], lnA[c] + tau);
      }
      case NEGATIVE_BINOMIAL: {
        // ln(p / (1 − q e^τ))
        if (lnA[c] + tau >= 0) {
          return Double.POSITIVE_INFINITY;
        }
        double x = -a[c] * Math.expm1(tau) / b[c];
        if (Math.abs(x) < 0.5) {
          return -trials[c] * Math.log1p(x);
        }
        return trials[c] * (lnB[c] - Math.log(-Math.expm1(lnA[c] + tau)));
      }
      default:
        return a[c] * Math.expm1(tau);
    }
  }

  /** K'(λ), the mean of D under the tilt λ. */
  double mean(double lambda) {
    double m = 0;
    for (int c = 0; c < size; c++) {
      double tau = lambda * step[c];
      double y;
      switch (kind[c]) {
        case BINOMIAL:
          y = trials[c] * logistic(lnA[c] - lnB[c] + tau);
          break;
        case NEGATIVE_BINOMIAL: {
          double lq = lnA[c] + tau;
          y = lq >= 0 ? Double.POSITIVE_INFINITY : trials[c] * Math.exp(lq) / -Math.expm1(lq);
          break;
        }
        default:
          y = a[c] * Math.exp(tau);
          break;
      }
      m += step[c] * y;
    }
    return m;
  }

  /** K''(λ), the variance of D under the tilt λ. */
  double variance(double lambda) {
    double v = 0;
    for (int c = 0; c < size; c++) {
      double tau = lambda * step[c];
      double y;
      switch (kind[c]) {
        case BINOMIAL: {
          double logit = lnA[c] - lnB[c] + tau;
          y = trials[c] * logistic(logit) * logistic(-logit);
          break;
        }
        case NEGATIVE_BINOMIAL: {
          double lq = lnA[c] + tau;
          double p = -Math.expm1(lq);
          y = lq >= 0 ? Double.POSITIVE_INFINITY : trials[c] * Math.exp(lq) / (p * p);
          break;
        }
        default:
          y = a[c] * Math.exp(tau);
          break;
      }
      v += (double) step[c] * step[c] * y;
    }
    return v;
  }

  /** The θ > 0 with K'(θ) = d (d above the mean, below the maximum): safeguarded Newton. */
  private double saddle(long d) {
    double lo = 0;
    double hi = thetaSup();
    double theta = (d - mean(0)) / variance(0);
    if (Double.isInfinite(hi)) {
      // find a finite upper bracket
      double h = Math.max(theta, 1e-300);
      while (mean(h) < d) {
        lo = h;
        h *= 4;
      }
      hi = h;
    }
    if (!(theta > lo && theta < hi)) {
      theta = 0.5 * (lo + hi);
    }
    for (int i = 0; i < 200; i++) {
      double g = mean(theta) - d;
      if (g == 0) {
        return theta;
      }
      if (g < 0) {
        lo = theta;
      } else {
        hi = theta;
      }
      double next = theta - g / variance(theta);
      if (!(next > lo && next < hi)) {
        next = Double.isInfinite(hi) ? 2 * theta : 0.5 * (lo + hi);
      }
      if (Math.abs(next - theta) <= 1e-13 * theta) {
        return next;
      }
      theta = next;
    }
    return theta;
  }

  // ---------------------------------------------------------------- Fourier inversion

  /**
   * I = Σ_{j≥0} e^{−θj} P(D = d + j) for this (already tilted) law by the trapezoidal rule on the
   * 2π-periodic integrand, returning ln p = lnPrefactor + ln I with its certificate.
   */
  private Evaluation fourier(long d, double theta, double lnPrefactor, double prefactorError, long nodeBudget) {
    double sigma = Math.sqrt(variance(0));
    double oneMinusE = -Math.expm1(-theta);
    // I is about the tilted point mass at d over (1 − e^{−θ}); a posteriori checks correct a bad guess
    double lnIEstimate = -Math.log1p(sigma * Math.sqrt(2 * Math.PI)) - Math.log(oneMinusE);
    double lnTolerance = Math.log(1e-16);
    long work = 0;
    for (int attempt = 0; attempt < 4; attempt++) {
      double lnTarget = lnIEstimate + lnTolerance;
      long n = nodesFor(d, theta, lnTarget);
      double threshold = -(lnTarget + Math.log(oneMinusE));
      Nodes nodes = trapezoid(d, theta, n, threshold, nodeBudget - work);
      work += nodes.evaluated;
      if (nodes.overBudget) {
        return null;
      }
      double t = nodes.sum / n;
      double alias = Math.exp(lnAliasBound(d, theta, n));
      double skipped = nodes.skipped > 0 ? Math.exp(-threshold) / oneMinusE : 0;
      double rounding = 2 * nodes.error / n + 2 * EPS * nodes.evaluated * nodes.absSum / n;
      double lower = t - alias - skipped - rounding;
      if (!(lower > 0) || (alias + skipped) > 1e-4 * MAX_RELATIVE_ERROR * lower) {
        if (attempt < 3 && (alias + skipped > rounding || lower > 0)) {
          // the estimate of I was too high: aim lower
          double lnI = Math.log(Math.max(Double.MIN_NORMAL, lower > 0 ? lower : Math.abs(t)));
          lnIEstimate = Math.min(lnIEstimate, lnI) - 10;
          continue;
        }
        if (!(lower > 0)) {
          return new Evaluation(lnPrefactor + Math.log(Math.abs(t)), Method.FOURIER, Double.POSITIVE_INFINITY, work);
        }
      }
      double lnP = lnPrefactor + Math.log(t);
      double absError = (alias + skipped + rounding) / lower + prefactorError;
      double rel = absError / Math.max(Math.abs(lnP), Double.MIN_NORMAL);
      return new Evaluation(lnP, Method.FOURIER, rel, work);
    }
    throw new AssertionError("unreachable");
  }

  /**
   * ln of an upper bound on Σ_{q≠0} a_{qN}, the excess of the N-point trapezoidal rule (this law
   * tilted by θ), where a_m = E[e^{−θ(D − d − m)}; D ≥ d + m]: for λ ≥ 0, a_m ≤ P(D ≥ d + m) ≤
   * E e^{λ(D − d − m)} (m > 0), and for 0 ≤ μ ≤ θ, a_m ≤ E e^{−μ(D − d − m)} (m < 0, where
   * D − d − m ≥ 0 on the event); summed over q ≥ 1 with the exponent that is best for N.
   */
  private double lnAliasBound(long d, double theta, long n) {
    double up = sideBound(d, 1, 0.5 * thetaSup(), n);
    double down = sideBound(d, -1, Math.min(theta, -0.5 * thetaInf()), n);
    return logAddExp(up, down);
  }

  /** h(x) = Λ(sign·x) = K(sign·x) − sign·x·d, the Chernoff exponent of one side. */
  private double chernoff(long d, int sign, double x) {
    return cumulant(sign * x) - sign * x * d;
  }

  private double sideBound(long d, int sign, double cap, long n) {
    // the best x solves h'(x) = N, i.e. the tilted mean at sign·x is d + sign·N
    double x = solveSide(d, sign, cap, (double) n, true);
    return chernoff(d, sign, x) - x * n - log1mExp(x * n);
  }

  /**
   * Solves, for x in (0, cap], either h'(x) = value (mean form) or x·h'(x) − h(x) = value (period
   * form: the x that minimises the period N = (h(x) + value)/x needed for a bound e^{−value});
   * both left sides increase with x. Returns cap when the solution lies beyond it.
   */
  private double solveSide(long d, int sign, double cap, double value, boolean meanForm) {
    double hi = cap;
    if (!(hi < Double.POSITIVE_INFINITY)) {
      hi = Math.max(1e-300, Math.sqrt(2 * Math.abs(value) / variance(0)));
      while (sideFunction(d, sign, hi, meanForm) < value && hi < 1e6) {
        hi *= 2;
      }
    }
    if (sideFunction(d, sign, hi, meanForm) <= value) {
      return hi;
    }
    double lo = 0;
    double x = Math.min(0.5 * hi, Math.sqrt(2 * Math.abs(value) / variance(0)));
    for (int i = 0; i < 100; i++) {
      double f = sideFunction(d, sign, x, meanForm) - value;
      if (f < 0) {
        lo = x;
      } else {
        hi = x;
      }
      double slope = meanForm ? variance(sign * x) : x * variance(sign * x);
      double next = x - f / slope;
      if (!(next > lo && next < hi)) {
        next = 0.5 * (lo + hi);
      }
      if (Math.abs(next - x) <= 1e-10 * x) {
        return next;
      }
      x = next;
    }
    return lo > 0 ? lo : x;
  }

  private double sideFunction(long d, int sign, double x, boolean meanForm) {
    double slope = sign * (mean(sign * x) - d);
    return meanForm ? slope : x * slope - chernoff(d, sign, x);
  }

  /** A period N whose aliasing bound is below e^{lnTarget}. */
  private long nodesFor(long d, double theta, double lnTarget) {
    double target = -lnTarget + Math.log(2);
    double need = 8;
    double[] caps = {0.5 * thetaSup(), Math.min(theta, -0.5 * thetaInf())};
    for (int side = 0; side < 2; side++) {
      int sign = side == 0 ? 1 : -1;
      double x = solveSide(d, sign, caps[side], target, false);
      double h = chernoff(d, sign, x);
      double n = (h + target) / x;
      for (int i = 0; i < 3; i++) {
        n = (h + target - log1mExp(x * Math.max(n, 1))) / x;
      }
      need = Math.max(need, n);
    }
    long n = (long) Math.min((double) MAX_NODES, Math.ceil(need));
    while (lnAliasBound(d, theta, n) > lnTarget) {
      if (n >= MAX_NODES) {
        throw new ArithmeticException(String.format(Locale.ROOT,
            "lattice tail at d=%d needs more than 2^50 nodes (sigma %.3g)", d, Math.sqrt(variance(0))));
      }
      n = Math.min(MAX_NODES, n + n / 8 + 1);
    }
    return n;
  }

  /** Accumulators of one trapezoidal sum. */
  private static final class Nodes {
    double sum;
    double absSum;
    double error;
    long evaluated;
    long skipped;
    boolean overBudget;
  }

  private Nodes trapezoid(long d, double theta, long n, double threshold, long budget) {
    Nodes out = new Nodes();
    double[] w = new double[size];
    double lipschitz = 0;
    double curvature = 0;
    int maxStep = 0;
    for (int c = 0; c < size; c++) {
      switch (kind[c]) {
        case BINOMIAL:
          w[c] = trials[c] * a[c] * b[c];
          break;
        case NEGATIVE_BINOMIAL:
          w[c] = 0.25 * trials[c] * Math.log1p(4 * a[c] / (b[c] * b[c]));
          break;
        default:
          w[c] = a[c];
          break;
      }
      lipschitz += w[c] * Math.abs((double) step[c]);
      curvature += w[c] * (double) step[c] * step[c];
      maxStep = (int) Math.max(maxStep, Math.abs(step[c]));
    }
    double wSum = 0;
    for (double x : w) {
      wSum += x;
    }
    if (2 * wSum < threshold && n / 2 > budget) {
      // Q ≤ 2·Σw never reaches the threshold: every node would be evaluated
      out.overBudget = true;
      return out;
    }
    // sin and cos of half the angle j·t for each distinct |step| j
    boolean[] used = new boolean[maxStep + 1];
    int distinct = 0;
    for (int c = 0; c < size; c++) {
      int j = (int) Math.abs(step[c]);
      if (!used[j]) {
        used[j] = true;
        distinct++;
      }
    }
    int[] steps = new int[distinct];
    for (int j = 0, i = 0; j <= maxStep; j++) {
      if (used[j]) {
        steps[i++] = j;
      }
    }
    // Q needs only sin² and sin·cos, which a rotation recurrence over j = 1..maxStep gives to about
    // maxStep·ε; the integrand itself always uses directly computed sines and cosines
    boolean recurrence = maxStep <= 4 * distinct + 16;
    double[] sinHalf = new double[maxStep + 1];
    double[] cosHalf = new double[maxStep + 1];
    double h = TWO_PI / n;
    double eTheta = Math.exp(-theta);
    double oneMinusE = -Math.expm1(-theta);
    double f0 = 1 / oneMinusE;
    out.sum = f0;
    out.absSum = f0;
    out.error = 4 * EPS * f0;
    out.evaluated = 1;
    long dm = Math.floorMod(d, n);
    long half = n / 2;
    long r = 1;
    while (r <= half) {
      double weight = (2 * r == n) ? 1 : 2;
      if (recurrence) {
        double s1 = Math.sin(r * (Math.PI / n));
        double c1 = Math.cos(r * (Math.PI / n));
        double sj = 0;
        double cj = 1;
        for (int j = 1; j <= maxStep; j++) {
          double next = sj * c1 + cj * s1;
          cj = cj * c1 - sj * s1;
          sj = next;
          sinHalf[j] = sj;
          cosHalf[j] = cj;
        }
      } else {
        exactHalfAngles(r, n, steps, sinHalf, cosHalf);
      }
      double q = 0;
      double slope = 0;
      for (int c = 0; c < size; c++) {
        int j = (int) Math.abs(step[c]);
        double sn = sinHalf[j];
        q += w[c] * 2 * sn * sn;
        slope += w[c] * Math.abs((double) step[c]) * 2 * sn * cosHalf[j];
      }
      // the rotation recurrence and the sums are accurate to far better than this margin
      q *= 1 - 1e-9;
      if (q >= threshold) {
        // Q(t + x) ≥ Q(t) − B·x (Lipschitz) and ≥ Q(t) + Q'(t)·x − C·x²/2 (|Q''| ≤ C): skip the nodes
        // within the larger of the two distances at which a bound could reach the threshold
        double excess = q - threshold;
        double reach = Math.max(excess / lipschitz,
            (slope + Math.sqrt(slope * slope + 2 * curvature * excess)) / curvature);
        long skip = (long) Math.min((double) n, reach / h);
        long last = Math.min(half, r + skip);
        out.skipped += last - r + 1;
        r = last + 1;
        continue;
      }
      if (out.evaluated >= budget) {
        out.overBudget = true;
        return out;
      }
      if (recurrence) {
        exactHalfAngles(r, n, steps, sinHalf, cosHalf);
      }
      double re = 0;
      double im = 0;
      double reMag = 0;
      double imMag = 0;
      for (int c = 0; c < size; c++) {
        int j = (int) Math.abs(step[c]);
        double sn = step[c] < 0 ? -sinHalf[j] : sinHalf[j];
        double s2 = sn * sn;
        double sinU = 2 * sn * cosHalf[j];
        double cr;
        double ci;
        switch (kind[c]) {
          case BINOMIAL:
            cr = 0.5 * Math.log1p(-4 * a[c] * b[c] * s2);
            ci = Math.atan2(a[c] * sinU, 1 - 2 * a[c] * s2);
            break;
          case NEGATIVE_BINOMIAL:
            cr = -0.5 * Math.log1p(4 * a[c] * s2 / (b[c] * b[c]));
            ci = Math.atan2(a[c] * sinU, b[c] + 2 * a[c] * s2);
            break;
          default:
            cr = -2 * a[c] * s2;
            ci = a[c] * sinU;
            break;
        }
        double nt = trials[c];
        re += nt * cr;
        im += nt * ci;
        reMag += Math.abs(nt * cr);
        imMag += Math.abs(nt * ci);
      }
      double t = r * h;
      double sh = Math.sin(0.5 * t);
      double denRe = oneMinusE + 2 * eTheta * sh * sh;
      double denIm = eTheta * Math.sin(t);
      double lnDen = 0.5 * Math.log(denRe * denRe + denIm * denIm);
      double argDen = Math.atan2(denIm, denRe);
      double phaseD = reduce(mulMod(r, dm, n), n) * h;
      double magnitude = Math.exp(re - lnDen);
      double phase = im - phaseD - argDen;
      double value = magnitude * Math.cos(phase);
      out.sum += weight * value;
      out.absSum += weight * magnitude;
      if (magnitude > 0) {
        out.error += weight * magnitude * 2 * EPS
            * (8 + reMag + imMag + Math.abs(lnDen) + Math.abs(phaseD) + Math.abs(argDen) + Math.abs(phase));
      }
      out.evaluated++;
      r++;
    }
    return out;
  }

  /** sin and cos of (r·j mod n)·π/n, the half-angle of step j at node r reduced to (−π/2, π/2]. */
  private static void exactHalfAngles(long r, long n, int[] steps, double[] sinHalf, double[] cosHalf) {
    for (int j : steps) {
      long k = reduce(r * j, n);
      sinHalf[j] = Math.sin(k * (Math.PI / n));
      cosHalf[j] = Math.cos(k * (Math.PI / n));
    }
  }

  /** x mod n in (−n/2, n/2]. */
  private static long reduce(long x, long n) {
    long k = Math.floorMod(x, n);
    return 2 * k > n ? k - n : k;
  }

  /** a·b mod m for 0 ≤ a, b < m ≤ 2^50: the double quotient is off by at most one. */
  static long mulMod(long a, long b, long m) {
    if (a < (1L << 31) && b < (1L << 31)) {
      return a * b % m;
    }
    long q = (long) ((double) a * (double) b / (double) m);
    long r = a * b - q * m;
    while (r < 0) {
      r += m;
    }
    while (r >= m) {
      r -= m;
    }
    return r;
  }

  // ---------------------------------------------------------------- direct convolution (binomial)

  /** Per-component Bernstein windows [lo, hi] with dropped mass ≤ δ each, and their convolution cost. */
  private static final class Windows {
    final long[] lo;
    final long[] hi;
    long cost;
    long width = 1;
    long terms;

    Windows(int size) {
      lo = new long[size];
      hi = new long[size];
    }
  }

  private Windows windows(double lnDelta) {
    Windows w = new Windows(size);
    double l = Math.log(2) - lnDelta;
    for (int c = 0; c < size; c++) {
      double nn = trials[c];
      // P(|Y − nπ| ≥ R) ≤ 2 exp(−R² / (2(nπ(1−π) + R/3))) = δ at R = l/3 + sqrt(l²/9 + 2·l·nπ(1−π))
      double radius = l / 3 + Math.sqrt(l * l / 9 + 2 * l * nn * a[c] * b[c]);
      double center = nn * a[c];
      w.lo[c] = (long) Math.max(0, Math.ceil(center - radius));
      w.hi[c] = (long) Math.min(nn, Math.floor(center + radius));
      long window = w.hi[c] - w.lo[c] + 1;
      w.terms += window + 2;
      w.cost = saturatingAdd(w.cost, saturatingMultiply(w.width, window));
      w.width = saturatingAdd(w.width, saturatingMultiply(Math.abs(step[c]), w.hi[c] - w.lo[c]));
    }
    return w;
  }

  /** Multiply-adds of {@link #convolution} with windows of dropped mass e^{lnDelta} (this law tilted). */
  long convolutionCost(double lnDelta) {
    Windows w = windows(lnDelta);
    return w.width > Integer.MAX_VALUE - 16 ? Long.MAX_VALUE : w.cost;
  }

  /**
   * The same I by direct convolution of the tilted binomials (this law is tilted), each truncated to
   * a Bernstein window. The dropped mass is at most Σδ (every weight e^{−θj} is ≤ 1), so the result
   * lies in [I − Σδ, I]; sums of nonnegative products keep a relative rounding error of at most ε
   * per term and stage, whatever the lattice structure.
   */
  private Evaluation convolution(long d, double theta, double lnPrefactor, double prefactorError) {
    double lnDelta = Math.log(1e-30);
    long work = 0;
    for (int attempt = 0; attempt < 3; attempt++) {
      Windows win = windows(lnDelta);
      if (win.cost > CONVOLUTION_BUDGET || win.width > Integer.MAX_VALUE - 16) {
        throw new ArithmeticException(String.format(Locale.ROOT,
            "lattice tail at d=%d: Fourier error not certified and direct convolution needs %d operations", d,
            win.cost));
      }
      work += win.cost;
      long offset = 0;
      double[] dist = {1.0};
      double lnScale = 0;
      for (int c = 0; c < size; c++) {
        long lo = win.lo[c];
        int window = (int) (win.hi[c] - lo + 1);
        double[] ln = new double[window];
        double maxLn = Double.NEGATIVE_INFINITY;
        for (int x = 0; x < window; x++) {
          long y = lo + x;
          ln[x] = a[c] <= 0.5 ? PValues.lnBinomialPmf(y, trials[c], a[c])
              : PValues.lnBinomialPmf(trials[c] - y, trials[c], b[c]);
          maxLn = Math.max(maxLn, ln[x]);
        }
        long s = step[c];
        long span = Math.abs(s) * (window - 1);
        double[] next = new double[(int) (dist.length + span)];
        for (int x = 0; x < window; x++) {
          double p = Math.exp(ln[x] - maxLn);
          if (p == 0) {
            continue;
          }
          int shift = (int) (s > 0 ? s * x : span + s * x);
          for (int i = 0; i < dist.length; i++) {
            next[i + shift] += p * dist[i];
          }
        }
        double m = 0;
        for (double v : next) {
          m = Math.max(m, v);
        }
        for (int i = 0; i < next.length; i++) {
          next[i] /= m;
        }
        lnScale += maxLn + Math.log(m);
        offset += Math.min(s * lo, s * win.hi[c]);
        dist = next;
      }
      // ln I = lnScale + ln Σ_{k ≥ d} dist[k] e^{−θ(k − d)}, in log space (the weights may underflow)
      int start = (int) Math.max(0, Math.min(dist.length, d - offset));
      double best = Double.NEGATIVE_INFINITY;
      for (int i = start; i < dist.length; i++) {
        if (dist[i] > 0) {
          best = Math.max(best, Math.log(dist[i]) - theta * (offset + i - d));
        }
      }
      double sum = 0;
      for (int i = start; i < dist.length; i++) {
        if (dist[i] > 0) {
          sum += Math.exp(Math.log(dist[i]) - theta * (offset + i - d) - best);
        }
      }
      double lnI = lnScale + best + Math.log(sum);
      double relDropped = Math.exp(Math.log(size) + lnDelta - lnI);
      // entries that underflowed (below 2^-1022 of a stage's maximum) add at most this much
      double relUnderflow = Math.exp(Math.log((double) dist.length * size) - 708 + lnScale - lnI);
      if (!(relDropped <= 1e-14) && attempt < 2) {
        lnDelta = lnI + Math.log(1e-20 / size);
        continue;
      }
      double lnP = lnPrefactor + lnI;
      double absError = relDropped + relUnderflow + 2 * EPS * (win.terms + dist.length) + prefactorError;
      return new Evaluation(lnP, Method.CONVOLUTION, absError / Math.max(Math.abs(lnP), Double.MIN_NORMAL), work);
    }
    throw new AssertionError("unreachable");
  }

  private static long saturatingAdd(long x, long y) {
    long r = x + y;
    return r < 0 ? Long.MAX_VALUE : r;
  }

  private static long saturatingMultiply(long x, long y) {
    return y != 0 && x > Long.MAX_VALUE / y ? Long.MAX_VALUE : x * y;
  }

  // ---------------------------------------------------------------- helpers

  /** e^x − 1 − x without cancellation near 0 (Taylor series for |x| < 0.5). */
  static double expm1mx(double x) {
    if (Math.abs(x) >= 0.5) {
      return Math.expm1(x) - x;
    }
    double term = x * x / 2;
    double sum = term;
    for (int k = 3; k < 40; k++) {
      term *= x / k;
      double next = sum + term;
      if (next == sum) {
        break;
      }
      sum = next;
    }
    return sum;
  }

  /**
   * ln(1 + x) − x for x > −1 without cancellation near 0: with u = x/(2 + x), ln(1 + x) = 2 atanh(u),
   * so ln(1 + x) − x = −x²/(2 + x) + 2(u³/3 + u⁵/5 + …).
   */
  static double log1pmx(double x) {
    if (Math.abs(x) >= 0.5) {
      return Math.log1p(x) - x;
    }
    double u = x / (2 + x);
    double u2 = u * u;
    double power = u * u2;
    double series = 0;
    for (int k = 3; k < 200; k += 2) {
      double next = series + power / k;
      if (next == series) {
        break;
      }
      series = next;
      power *= u2;
    }
    return -x * x / (2 + x) + 2 * series;
  }

  /** ln(1 + e^x) without overflow. */
  static double softplus(double x) {
    return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  }

  /** 1 / (1 + e^{−x}). */
  static double logistic(double x) {
    return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
  }

  /** ln(e^x + e^y). */
  static double logAddExp(double x, double y) {
    double m = Math.max(x, y);
    if (m == Double.NEGATIVE_INFINITY) {
      return m;
    }
    if (m == Double.POSITIVE_INFINITY) {
      return m;
    }
    return m + Math.log1p(Math.exp(-Math.abs(x - y)));
  }

  /** ln(1 − e^{−x}) for x > 0. */
  private static double log1mExp(double x) {
    return x > 0.693 ? Math.log1p(-Math.exp(-x)) : Math.log(-Math.expm1(-x));
  }
}
