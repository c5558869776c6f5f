/**
 * The inheritance ("radioactivity") tests of a suspect corpus or model against the owner's keys.
 * {@link io.tracemark.verifier.Verification} is the one entry point of the corpus path (files or
 * records, tokenizer, owner filter, keys and controls, limits) and returns an immutable {@link
 * io.tracemark.verifier.InheritanceResult}; {@link io.tracemark.verifier.InheritanceVerifier} is the
 * pass below it, which scores the distinct units of the corpus once under every key and control key
 * with exact p-values corrected across keys, through types that each own one thing (key panel,
 * position filter, dedup tape, score ledger, partitioned pass, record ledger with the one
 * bad-record policy, model probe, evidence assembly). Suspect records are {@link
 * io.tracemark.verifier.SuspectRecord}s; a suspect model is an {@code io.tracemark.api.LogitsModel}.
 * Verifiers are immutable and thread-safe; a {@code Verification} runs once.
 */
package io.tracemark.verifier;
