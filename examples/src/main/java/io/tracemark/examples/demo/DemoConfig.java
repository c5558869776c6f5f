package io.tracemark.examples.demo;

import io.tracemark.api.Checks;
import io.tracemark.api.GumbelSpec;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.SchemeSpec;
import io.tracemark.examples.lm.NGramModel;
import io.tracemark.verifier.Verification;
import java.nio.file.Path;
import java.util.List;

/**
 * The demo's configuration: everything a run depends on, and nothing else (the table depends on it
 * and on no thread count or timing).
 *
 * @param seed the one seed everything is derived from
 * @param order n-gram order of teacher and students
 * @param spec the watermark scheme: tracemark's own families, keyed by the demo key ({@code kgw:}, whose teacher
 *     biases its logits; {@code gumbel:} with {@code score=sum} and {@code synthid:}, whose teacher draws through
 *     the scheme); with a payload ({@code payload=b}) the teacher's answers carry the tenant's number, when
 *     {@code tracemark verify} decodes that family's payload from a corpus
 * @param ownerPrompts prompts the teacher answers (its watermarked output)
 * @param competitorPrompts prompts each student answers (the closed-model query budget)
 * @param answerTokens tokens per answer
 * @param readingTexts owner answers read through each student in reading mode
 * @param topK top-k of every sampling loop (0: none)
 * @param temperature temperature of every sampling loop
 * @param alpha significance level of the verdicts
 * @param controlKeys control keys of the verifier's empirical null
 * @param rhos the fractions ρ of teacher tokens in the students' training data
 * @param threads worker threads
 * @param outDir where the evidence report of one case is written ({@code null}: no report)
 * @param tenant the tenant whose answers the teacher serves, the message of a payload scheme (below 2^b);
 *     unused without a payload
 */
public record DemoConfig(long seed, int order, SchemeSpec spec, int ownerPrompts, int competitorPrompts,
    int answerTokens, int readingTexts, int topK, double temperature, double alpha, int controlKeys, double[] rhos,
    int threads, Path outDir, long tenant) {
  /** The scheme of the defaults. */
  public static final String DEFAULT_SCHEME = "kgw:gamma=0.25,delta=2,h=1";
  /** The seed of the defaults' command line. */
  public static final long DEFAULT_SEED = 42;
  /** The tenant of the defaults: the number a payload scheme's answers carry. */
  public static final long DEFAULT_TENANT = 4711;

  /** Validates and copies. */
  public DemoConfig {
    Checks.require(order >= 1 && order <= NGramModel.MAX_ORDER, "order must be between 1 and %d, was %d",
        NGramModel.MAX_ORDER, order);
    if (spec == null) {
      throw new NullPointerException("spec");
    }
    Checks.require(!spec.carriesKey(), "scheme must be one keyed by the demo's key (kgw, gumbel or synthid), was %s",
        spec.family());
    int bits = payloadBits(spec);
    Checks.require(tenant >= 0 && (bits == 0 || tenant < (1L << bits)),
        "tenant must be between 0 and 2^payload - 1 = %d, was %d", bits == 0 ? Long.MAX_VALUE : (1L << bits) - 1,
        tenant);
    if (bits > 0) {
      requireCorpusDecoding(spec);
    }
    Checks.require(!(spec instanceof GumbelSpec g && g.score() == GumbelSpec.Score.WINDOWED),
        "scheme gumbel with score=windowed is a per-text test; the demo's corpus tests need score=sum");
    Checks.require(ownerPrompts >= 1, "owner prompts must be >= 1, was %d", ownerPrompts);
    Checks.require(competitorPrompts >= 1, "competitor prompts must be >= 1, was %d", competitorPrompts);
    Checks.require(answerTokens >= 1, "answer tokens must be >= 1, was %d", answerTokens);
    Checks.require(readingTexts >= 1 && readingTexts <= ownerPrompts,
        "reading texts must be between 1 and the owner prompts %d, was %d", ownerPrompts, readingTexts);
    Checks.require(topK >= 0, "top-k must be >= 0, was %d", topK);
    Checks.require(temperature > 0 && Double.isFinite(temperature), "temperature must be finite and > 0, was %s",
        temperature);
    Checks.require(alpha > 0 && alpha < 1, "alpha must be in (0, 1), was %s", alpha);
    Checks.require(threads >= 1, "threads must be >= 1, was %d", threads);
    rhos = rhos.clone();
    for (double r : rhos) {
      Checks.require(r >= 0 && r <= 1, "rho must be in [0, 1], was %s", r);
    }
  }

  /** A configuration serving the {@linkplain #DEFAULT_TENANT default tenant}. */
  public DemoConfig(long seed, int order, SchemeSpec spec, int ownerPrompts, int competitorPrompts, int answerTokens,
      int readingTexts, int topK, double temperature, double alpha, int controlKeys, double[] rhos, int threads,
      Path outDir) {
    this(seed, order, spec, ownerPrompts, competitorPrompts, answerTokens, readingTexts, topK, temperature, alpha,
        controlKeys, rhos, threads, outDir, DEFAULT_TENANT);
  }

  /** The defaults: ρ ∈ {0, 0.01, 0.05, 0.10, 1.0}, α = 1e-6, kgw γ = 0.25, δ = 2, h = 1, no report. */
  public static DemoConfig defaults(long seed) {
    return new DemoConfig(seed, NGramModel.DEFAULT_ORDER, KgwSpec.parse(DEFAULT_SCHEME), 800, 200, 128, 200, 50, 1.0,
        1e-6, 100, new double[] {0, 0.01, 0.05, 0.10, 1.0}, Math.max(1, Runtime.getRuntime().availableProcessors()),
        null);
  }

  /** Whether the scheme is the green list without a payload, whose weighted tests (C*, R*) the demo also runs. */
  public boolean greenList() {
    return spec instanceof KgwSpec && !payload();
  }

  /** Whether the scheme carries a message ({@code payload=b}): the tenant's number. */
  public boolean payload() {
    return payloadBits(spec) > 0;
  }

  /** b of a scheme with a payload, 0 for one without. */
  static int payloadBits(SchemeSpec spec) {
    return spec instanceof KgwSpec k ? k.payloadBits() : spec instanceof GumbelSpec g ? g.payloadBits() : 0;
  }

  /**
   * Refuses a payload that {@code tracemark verify} does not decode from a corpus: the demo's checks are its
   * {@link Verification}, so the demo runs exactly the payloads that the verifier decodes, and says why not otherwise.
   */
  private static void requireCorpusDecoding(SchemeSpec spec) {
    try {
      Verification.builder().scheme(spec).key(Seeds.demoKey(0)).vocabularySize(2).controlKeys(0)
          .records(List.of()).build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("scheme " + spec.family() + " with a payload cannot be run by the demo, "
          + "whose checks are tracemark verify's, which refuses it: " + e.getMessage(), e);
    }
  }

  @Override
  public double[] rhos() {
    return rhos.clone();
  }

  /** The same configuration writing its evidence report to {@code dir} ({@code null}: none). */
  public DemoConfig withOutDir(Path dir) {
    return new DemoConfig(seed, order, spec, ownerPrompts, competitorPrompts, answerTokens, readingTexts, topK,
        temperature, alpha, controlKeys, rhos, threads, dir, tenant);
  }

  /** The same configuration on {@code n} threads (the results do not depend on it). */
  public DemoConfig withThreads(int n) {
    return new DemoConfig(seed, order, spec, ownerPrompts, competitorPrompts, answerTokens, readingTexts, topK,
        temperature, alpha, controlKeys, rhos, n, outDir, tenant);
  }

  /** The same configuration serving tenant {@code n} (the message of a payload scheme). */
  public DemoConfig withTenant(long n) {
    return new DemoConfig(seed, order, spec, ownerPrompts, competitorPrompts, answerTokens, readingTexts, topK,
        temperature, alpha, controlKeys, rhos, threads, outDir, n);
  }
}
