/**
 * Tools that are neither tests nor part of the product, each a main class documented in {@code
 * docs/benchmarks.md}, {@code docs/robustness.md} or {@code docs/demo.md}: {@link
 * io.tracemark.examples.tools.ScaleHarness} (the corpus verification at scale, tokens/s and peak
 * heap), {@link io.tracemark.examples.tools.SampleCorpusGenerator} (the bundled sample in {@code
 * docs/sample}), {@link io.tracemark.examples.tools.RobustnessTable} (the attack table of {@code
 * docs/robustness.md}), {@link io.tracemark.examples.tools.GumbelRobustness} (the gumbel rows of
 * {@code docs/robustness.md}: the sum and the windowed test under token edits and copy-paste) and
 * {@link io.tracemark.examples.tools.NullSeeds} (the demo's innocent student over many seeds) and
 * {@link io.tracemark.examples.tools.CrossTokenizerCheck} (reading mode on a demo student over another
 * tokenizer).
 */
package io.tracemark.examples.tools;
