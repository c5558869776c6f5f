/**
 * Text to token ids, the same way wherever text is read: {@link
 * io.tracemark.verifier.text.Tokenizers} is the one tokenizer registry (JTokkit encodings and
 * Hugging Face {@code tokenizer.json} files) with one vocabulary rule — a tokenizer's vocabulary
 * size is one more than its largest id, special tokens included (cl100k_base: 100,277) — and
 * {@link io.tracemark.verifier.text.TextPipeline} decodes, validates, normalises (a {@link
 * io.tracemark.verifier.text.Normalization} of named {@link
 * io.tracemark.verifier.text.TextNormalizer}s: invisible, nfc, nfkc, skeleton, whitespace) and
 * tokenizes. Tokenizers, normalisers and pipelines are immutable and thread-safe.
 */
package io.tracemark.verifier.text;
