/**
 * Tools that are neither tests nor part of the product, each a main class documented in {@code
 * docs/benchmarks.md}: {@link io.tracemark.examples.tools.ScaleHarness} (the corpus verification at
 * scale, tokens/s and peak heap) and {@link io.tracemark.examples.tools.SampleCorpusGenerator} (the
 * bundled sample in {@code docs/sample}).
 */
package io.tracemark.examples.tools;
