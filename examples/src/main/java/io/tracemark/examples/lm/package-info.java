/**
 * The embedded demo language model: a token-level interpolated Kneser–Ney n-gram model over a
 * tokenizer's vocabulary
 * ({@link io.tracemark.examples.lm.NGramModel}, an {@code io.tracemark.api.LogitsModel}), its
 * trainer, its file format, and the Brown corpus it is trained on. Models are immutable and
 * thread-safe.
 */
package io.tracemark.examples.lm;
