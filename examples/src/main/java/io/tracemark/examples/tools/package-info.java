/**
 * Tools that are neither tests nor part of the product, each a main class documented in {@code
 * docs/benchmarks.md}, {@code docs/robustness.md}, {@code docs/demo.md}, {@code docs/spark.md} or {@code
 * docs/monitoring.md}: {@link io.tracemark.examples.tools.ScaleHarness} (the corpus verification at
 * scale, tokens/s and peak heap), {@link io.tracemark.examples.tools.SampleCorpusGenerator} (the
 * bundled sample in {@code docs/sample}), {@link io.tracemark.examples.tools.RobustnessTable} (the
 * attack table of {@code docs/robustness.md}), {@link io.tracemark.examples.tools.GumbelRobustness}
 * (the gumbel rows of {@code docs/robustness.md}: the sum and the windowed test under token edits
 * and copy-paste), {@link io.tracemark.examples.tools.NullSeeds} (the demo's innocent student over
 * many seeds), {@link io.tracemark.examples.tools.CrossTokenizerCheck} (reading mode on a demo
 * student over another tokenizer), {@link io.tracemark.examples.tools.ScanThroughput} (the corpus and the
 * single-machine baseline of the Spark scan's throughput in {@code docs/spark.md}), and, for {@code docs/monitoring.md}, {@link
 * io.tracemark.examples.tools.MonitorEvaluation} (the usage monitor against the traffic simulator's
 * ground truth), {@link io.tracemark.examples.tools.MonitorThroughput} (one monitor run's wall time
 * and peak heap) and {@link io.tracemark.examples.tools.MonitorEndToEnd} (the monitor's hand-off
 * to the verifier).
 */
package io.tracemark.examples.tools;
