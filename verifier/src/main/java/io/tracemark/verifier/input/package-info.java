/**
 * Reading a suspect corpus: {@link io.tracemark.verifier.input.CorpusRecords} streams records from
 * JSONL and text files or directories of them, through {@link
 * io.tracemark.verifier.input.SourceListing} (the files, checked before anything is read), a
 * digesting input (the SHA-256 of every file), a line splitter under the record limit, and {@link
 * io.tracemark.verifier.input.JsonlRecordParser}, the one JSONL record reader with one precedence
 * rule (a present text field wins over the token-id field). Bad input is an {@link
 * io.tracemark.verifier.input.InputException} naming file and line; nothing is dropped silently.
 */
package io.tracemark.verifier.input;
