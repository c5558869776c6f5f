/**
 * Helpers of tracemark's modules that are not API and may change without notice: SipHash-2-4
 * ({@link io.tracemark.core.internal.SipHash24}), the 64-bit mixers
 * ({@link io.tracemark.core.internal.Mix}), unkeyed unit fingerprints for deduplication
 * ({@link io.tracemark.core.internal.UnitFingerprints}), a primitive long set
 * ({@link io.tracemark.core.internal.LongHashSet}), the one digest helper
 * ({@link io.tracemark.core.internal.Digests}) and the one owner-only / atomic file writer
 * ({@link io.tracemark.core.internal.SafeFiles}). Only tracemark's own modules use them.
 */
package io.tracemark.core.internal;
