/**
 * The inheritance ("radioactivity") tests of a suspect corpus or model against the owner's keys:
 * {@link io.tracemark.verifier.InheritanceVerifier} scores the distinct units of the corpus once,
 * under every key and control key, with exact p-values corrected across keys, and returns an
 * immutable {@link io.tracemark.verifier.InheritanceResult}. Suspect records are
 * {@link io.tracemark.verifier.SuspectRecord}s; a suspect model is an
 * {@code io.tracemark.api.LogitsModel}. Verifiers are immutable and thread-safe.
 */
package io.tracemark.verifier;
