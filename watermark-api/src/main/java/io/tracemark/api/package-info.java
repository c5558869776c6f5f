/**
 * The public contract of tracemark: the secret {@link io.tracemark.api.WatermarkKey}, scheme
 * specifications ({@link io.tracemark.api.GreenListSpec}), the sampling-loop interfaces
 * ({@link io.tracemark.api.BiasScheme}, {@link io.tracemark.api.SamplingScheme},
 * {@link io.tracemark.api.LogitsProcessor}, {@link io.tracemark.api.Sampler}) and the detection
 * result types.
 *
 * <p>This package has no third-party dependency. Implementations of the schemes live in
 * {@code io.tracemark.core} and are reached through its {@code Watermarks} factory.
 */
package io.tracemark.api;
