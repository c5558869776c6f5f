/**
 * The statistics of detections, all exact and in log space: upper tails of green counts and score
 * sums ({@link io.tracemark.core.stats.PValues}, also for an {@code io.tracemark.api.NullDistribution}),
 * tails of weighted statistics on an integer weight grid ({@link io.tracemark.core.stats.WeightGrid},
 * {@link io.tracemark.core.stats.WeightedPValues}), and localised detection with p-values corrected
 * for every window tried ({@link io.tracemark.core.stats.Localizer}, its result
 * {@link io.tracemark.core.stats.Localization}). Stateless or immutable, and thread-safe.
 */
package io.tracemark.core.stats;
