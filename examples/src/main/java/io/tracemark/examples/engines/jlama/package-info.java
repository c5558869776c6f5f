/**
 * The watermark in a Jlama-style engine: the model exposes an overridable sampling step
 * ({@link io.tracemark.examples.engines.jlama.JlamaStyleModel}, a mirror of the engine's own), and
 * {@link io.tracemark.examples.engines.jlama.WatermarkedJlamaModel} adds the bias there.
 */
package io.tracemark.examples.engines.jlama;
