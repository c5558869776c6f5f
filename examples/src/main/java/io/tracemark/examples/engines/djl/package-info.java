/**
 * The watermark in a DJL-style batched generation loop: a forward pass over the batch
 * ({@link io.tracemark.examples.engines.djl.ForwardPass}), hooks that rewrite each sequence's logits
 * ({@link io.tracemark.examples.engines.djl.LogitsHook}), then the search step; the
 * {@link io.tracemark.examples.engines.djl.WatermarkHook} biases every sequence from its own context.
 * Mirrors of the engine's shapes, with no DJL dependency.
 */
package io.tracemark.examples.engines.djl;
