/**
 * The watermark in a llama3.java-style engine, whose sampler sees only the logits
 * ({@link io.tracemark.examples.engines.llama3.Llama3Sampler}, a mirror of the engine's
 * interface): {@link io.tracemark.examples.engines.llama3.WatermarkingSampler} keeps the context
 * itself and biases the logits before the engine's draw.
 */
package io.tracemark.examples.engines.llama3;
