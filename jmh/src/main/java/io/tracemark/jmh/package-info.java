/**
 * JMH benchmarks of the generation step, detection, interop detection, weighted tails and
 * localisation; results and the machine they ran on are in {@code docs/benchmarks.md}. Not
 * published.
 */
package io.tracemark.jmh;
