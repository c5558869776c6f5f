/**
 * The examples' sampling loop ({@link io.tracemark.examples.loop.SamplingLoop}): model logits,
 * the engine's processors, the watermark bias last, then the draw, written once so that the demo,
 * the experiment commands and the tests all generate the same way.
 */
package io.tracemark.examples.loop;
