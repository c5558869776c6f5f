package io.tracemark.api;

import java.util.List;
import java.util.Objects;

/**
 * The immutable outcome of decoding a multi-bit payload ({@code kgw:…,payload=b} or {@code
 * gumbel:…,payload=b}) from one text or a corpus, without knowing the message.
 *
 * <p>For the Gumbel family the statistic is a score sum rather than a count: each unit scores −ln(1 − u)
 * for each of the 2^r values of its position's symbol, each symbol is the value of largest score sum,
 * {@code score} is the decoded message's score sum, and its p-value is a certified upper bound of the
 * exact tail of the best message's score ({@code exact} true when within 1 % of it), or the union bound 2^b ·
 * P(Gamma(n, 1) ≥ score) where that is smaller (conservative, {@code exact} false); the counts ({@code green}, a symbol's
 * {@code count} and {@code runnerUp}) then count the units whose own best value is that symbol.
 *
 * <p>Each of the L = b / r symbol positions is decoded as its fullest colour; {@code green} is the
 * sum of those counts, the green count of the decoded message, which is the best of all 2^b
 * messages. {@code log10PValue} is the log10 of its upper tail under H0 (text independent of the
 * key) and so is corrected for the 2^b messages tried: exact (the convolution of the laws of the
 * per-position maxima, {@code exact} true), or, when that law is too costly for the counts, the
 * union bound 2^b · P(Binomial(n, 2^−r) ≥ green), which is conservative ({@code exact} false).
 *
 * @param tokensRead tokens read
 * @param tuplesScored distinct units scored (after the context warm-up and deduplication)
 * @param payloadBits b
 * @param symbolBits r
 * @param message the decoded message, in [0, 2^b); its symbol p is bits [p·r, (p+1)·r)
 * @param green units whose colour is the decoded symbol of their position
 * @param log10PValue log10 of the p-value corrected for the 2^b messages
 * @param exact whether the p-value is the exact tail (for the Gumbel family: a certified upper bound within 1 % of
 *     it); otherwise a conservative upper bound (the union bound, or a certified bound with a wider bracket)
 * @param symbols per symbol position, the decoded value and its confidence, in order of position
 * @param score the statistic: the decoded message's green count (green-list family) or score sum (Gumbel family)
 */
public record PayloadDetection(long tokensRead, long tuplesScored, int payloadBits, int symbolBits, long message,
    long green, double log10PValue, boolean exact, List<Symbol> symbols, double score) {

  /** A green-list decoding, whose statistic is the green count. */
  public PayloadDetection(long tokensRead, long tuplesScored, int payloadBits, int symbolBits, long message,
      long green, double log10PValue, boolean exact, List<Symbol> symbols) {
    this(tokensRead, tuplesScored, payloadBits, symbolBits, message, green, log10PValue, exact, symbols, green);
  }

  /**
   * One decoded symbol.
   *
   * @param index its position p in the message
   * @param value the decoded symbol, the fullest colour (the lowest of tied colours)
   * @param units the units that carried this position
   * @param count units of the decoded colour
   * @param runnerUp units of the second fullest colour
   * @param log10MarginP log10 P(Binomial(count + runnerUp, ½) ≥ count): how likely a margin at least
   *     this large is between two colours equally favoured; near 0 means the symbol is uncertain
   *     (0 when the position carried no unit; about −0.1 to −0.3 for a tie). Gumbel family: log10
   *     P(Beta(n, n) ≥ score / (score + runnerUpScore)), the same for two score sums of n units
   *     equally favoured (floored at −300)
   * @param score the decoded value's score: its count (green-list family) or score sum (Gumbel family)
   * @param runnerUpScore the second best value's score
   */
  public record Symbol(int index, int value, long units, long count, long runnerUp, double log10MarginP,
      double score, double runnerUpScore) {
    /** Checks the counts. */
    public Symbol {
      Checks.require(index >= 0 && value >= 0 && runnerUp >= 0 && count >= 0 && runnerUp <= units && count <= units,
          "symbol counts must satisfy 0 <= runnerUp, count <= units, were %d, %d, %d", runnerUp, count, units);
    }

    /** A green-list symbol, whose scores are its counts. */
    public Symbol(int index, int value, long units, long count, long runnerUp, double log10MarginP) {
      this(index, value, units, count, runnerUp, log10MarginP, count, runnerUp);
    }

    /** 1 − 10^log10MarginP: the confidence that this symbol's colour is favoured over the runner-up. */
    public double confidence() {
      return -Math.expm1(log10MarginP * Math.log(10));
    }
  }

  /** Checks the fields and copies the symbols. */
  public PayloadDetection {
    Objects.requireNonNull(symbols, "symbols");
    symbols = List.copyOf(symbols);
    Checks.require(symbolBits >= 1 && payloadBits % symbolBits == 0 && symbols.size() == payloadBits / symbolBits,
        "there must be payload / symbol-bits symbols, were %d for payload=%d, symbol-bits=%d", symbols.size(),
        payloadBits, symbolBits);
    Checks.require(tuplesScored >= 0 && green >= 0 && green <= tuplesScored && tuplesScored <= tokensRead,
        "counts must satisfy 0 <= green <= tuplesScored <= tokensRead, were %d, %d, %d", green, tuplesScored,
        tokensRead);
  }

  /** The p-value 10^log10PValue (underflows to 0 below about 1e-308; the log does not). */
  public double pValue() {
    return Math.pow(10, log10PValue);
  }

  /** green / tuplesScored; 0 when nothing was scored. */
  public double greenFraction() {
    return tuplesScored == 0 ? 0.0 : (double) green / tuplesScored;
  }

  /** Whether the p-value is below {@code alpha} (compared in log space); never when nothing was scored. */
  public boolean significantAt(double alpha) {
    Checks.require(alpha > 0 && alpha < 1, "alpha must be in (0, 1), was %s", alpha);
    return tuplesScored > 0 && log10PValue < Math.log10(alpha);
  }

  /** The lowest confidence over the symbols: how sure the whole message is, symbol by symbol. */
  public double weakestSymbolConfidence() {
    double min = 1.0;
    for (Symbol s : symbols) {
      min = Math.min(min, s.confidence());
    }
    return min;
  }
}
