/**
 * Text to token ids, the same way wherever text is read: {@link
 * io.tracemark.verifier.text.Tokenizers} is the one tokenizer registry (JTokkit encodings and
 * Hugging Face {@code tokenizer.json} files) with one vocabulary rule — a tokenizer's vocabulary
 * size is one more than its largest id, special tokens included (cl100k_base: 100,277) — and
 * {@link io.tracemark.verifier.text.TextPipeline} decodes, validates, optionally normalises ({@link
 * io.tracemark.verifier.text.TextNormalizer}) and tokenizes. Tokenizers are immutable and
 * thread-safe.
 */
package io.tracemark.verifier.text;
