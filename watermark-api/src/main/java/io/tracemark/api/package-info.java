/**
 * The public contract of tracemark, with no third-party dependency and no algorithm: scheme
 * specifications (the sealed {@link io.tracemark.api.SchemeSpec}, one record per family, one text
 * grammar), the {@link io.tracemark.api.Watermark} every family is turned into, its generation
 * side for a sampling loop ({@link io.tracemark.api.BiasScheme},
 * {@link io.tracemark.api.SamplingScheme}, with {@link io.tracemark.api.LogitsProcessor},
 * {@link io.tracemark.api.TokenSampler} and {@link io.tracemark.api.LogitsModel}), its scoring side
 * ({@link io.tracemark.api.TokenScorer}, {@link io.tracemark.api.Detector}, the one result
 * {@link io.tracemark.api.Detection} with its sealed {@link io.tracemark.api.NullDistribution} and
 * {@link io.tracemark.api.PositionMask}), and the secret {@link io.tracemark.api.WatermarkKey}
 * value type with what it was made for ({@link io.tracemark.api.KeyUse}).
 *
 * <p>Everything here is immutable and thread-safe. Implementations live in
 * {@code io.tracemark.core} and are reached through its {@code Watermarks} factory.
 * {@link io.tracemark.api.Checks} is the argument-check helper every tracemark module uses.
 */
package io.tracemark.api;
