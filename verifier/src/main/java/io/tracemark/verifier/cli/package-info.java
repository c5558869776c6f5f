/**
 * The {@code tracemark} command line ({@link io.tracemark.verifier.cli.Tracemark}): one picocli
 * command per task ({@code keygen}, {@code key-info}, {@code detect}, {@code verify},
 * {@code report-verify}, {@code help}). Errors are one line on stderr with a documented exit code,
 * and no output contains key material.
 */
package io.tracemark.verifier.cli;
