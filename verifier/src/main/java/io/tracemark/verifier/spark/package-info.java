/**
 * tracemark's distributed jobs on Apache Spark: the same statistics as the single-machine verifier over inputs that
 * outgrow one machine (docs/spark.md). Spark is a {@code provided} dependency of this module: the library and the
 * {@code tracemark} CLI jar do not carry it, and these classes run under {@code spark-submit}, which supplies it.
 */
package io.tracemark.verifier.spark;
