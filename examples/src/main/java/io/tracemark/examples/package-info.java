/**
 * Runnable examples: the command-line entry point of the examples jar
 * ({@link io.tracemark.examples.Main}: the distillation demo, the quick start and the experiment
 * commands) and {@link io.tracemark.examples.QuickStart}, the smallest watermarked sampling loop
 * with detection. Not a library: nothing here is published.
 */
package io.tracemark.examples;
