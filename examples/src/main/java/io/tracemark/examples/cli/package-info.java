/**
 * Input and output of the examples' experiment commands: {@link io.tracemark.examples.cli.Corpora}
 * reads training text and JSONL records, {@link io.tracemark.examples.cli.Records} writes answers
 * in the verifier's record format; bad input is an
 * {@link io.tracemark.examples.cli.InputException} naming the file and line.
 */
package io.tracemark.examples.cli;
