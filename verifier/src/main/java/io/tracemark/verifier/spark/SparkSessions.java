package io.tracemark.verifier.spark;

import io.tracemark.api.Checks;
import org.apache.spark.sql.SparkSession;

/**
 * Spark sessions for a run on this machine: tests, and a job started with {@code java} rather than
 * {@code spark-submit}. A job under {@code spark-submit} uses {@link SparkSession#active()} or the builder's
 * {@code getOrCreate()} with the submitted configuration instead.
 */
public final class SparkSessions {
  private SparkSessions() {}

  /**
   * A session on {@code local[threads]} with the web UI off and {@code shufflePartitions} shuffle partitions (the
   * default of 200 makes every shuffle of a small input pay for 200 empty tasks).
   *
   * @param appName the application name Spark shows in its logs
   * @param threads executor threads, at least 1
   * @param shufflePartitions partitions of every shuffle, at least 1
   * @return a new or the running local session
   */
  public static SparkSession local(String appName, int threads, int shufflePartitions) {
    Checks.require(threads >= 1, "threads must be at least 1, got %d", threads);
    Checks.require(shufflePartitions >= 1, "shufflePartitions must be at least 1, got %d", shufflePartitions);
    return SparkSession.builder()
        .appName(appName)
        .master("local[" + threads + "]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", Integer.toString(shufflePartitions))
        .getOrCreate();
  }
}
