/**
 * Sampling-loop integrations for the Java inference engines, written against small local
 * interfaces that mirror the engines' own (so no engine dependency or model download is needed);
 * each subpackage shows where the one watermark call goes, and the tests drive each with the
 * embedded n-gram model.
 *
 * <ul>
 *   <li>{@code llama3}: llama3.java's {@code Sampler} sees only the logits; a wrapper tracks the
 *       context itself.
 *   <li>{@code jlama}: Jlama's model exposes an overridable {@code sample(...)}; a subclass adds
 *       the bias there.
 *   <li>{@code djl}: DJL-style generation has a forward pass and a search step; a hook between
 *       them biases each sequence of the batch.
 *   <li>{@link io.tracemark.examples.engines.BatchedLoop}: several sequences in lockstep, one
 *       scheme object, one {@link io.tracemark.core.sampling.WatermarkSession} per sequence.
 * </ul>
 */
package io.tracemark.examples.engines;
