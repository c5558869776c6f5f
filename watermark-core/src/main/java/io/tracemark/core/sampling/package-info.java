/**
 * The sampling-loop toolkit: {@link io.tracemark.core.sampling.Samplers} makes the plain logits
 * processors (temperature, top-k, a linear-time top-p) and token samplers (greedy, the one
 * multinomial draw, {@link io.tracemark.core.sampling.Multinomial}), and
 * {@link io.tracemark.core.sampling.WatermarkSession} keeps the context of one sequence for
 * engines that do not hand it to their sampler, and samples a
 * {@link io.tracemark.core.sampling.GreenListBias} (the {@code kgw} green list) by rejection or
 * among the engine's candidates without a pass over the vocabulary. Processors and greedy are
 * immutable and thread-safe; a multinomial draw, a session and a green-list probe belong to one
 * sequence.
 */
package io.tracemark.core.sampling;
