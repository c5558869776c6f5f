/**
 * The examples jar's commands, one class each ({@code demo}, {@code quickstart}, {@code lm-train},
 * {@code lm-generate}, {@code distill}), their shared options as picocli mixins (seed, order,
 * tokenizer, threads, output file), and their input and output: training text, generated records
 * and prompts are read with the verifier's record reader ({@link io.tracemark.examples.cli.TrainingText},
 * {@link io.tracemark.examples.cli.PromptFile}), answers are written in its record format
 * ({@link io.tracemark.examples.cli.Records}). Errors are handled as by the {@code tracemark} command
 * line: a usage error exits 2, bad input 3, each with one line naming the option or the file and line.
 */
package io.tracemark.examples.cli;
