/**
 * The entry point of the implementations: {@link io.tracemark.core.Watermarks} turns any
 * {@code io.tracemark.api.SchemeSpec} into an immutable, thread-safe
 * {@code io.tracemark.api.Watermark}. tracemark's own keyed green list (family {@code kgw}, PRF
 * format {@code v1}, frozen by golden vectors) and tournament (family {@code synthid}, on the same
 * PRF under its own sub-key) are implemented here, package-private; the other
 * systems' families live in {@code io.tracemark.core.interop}. Subpackages: {@code keys} (key
 * generation, derivation, key files), {@code stats} (exact p-values, weighted tails, localised
 * detection), {@code sampling} (the sampling-loop toolkit), {@code internal} (helpers, not API).
 */
package io.tracemark.core;
