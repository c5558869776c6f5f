package io.tracemark.verifier.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class SparkSessionsTest {
  @Test
  void aLocalSessionRunsAJobOnTwoThreadsWithTheGivenShufflePartitions() {
    SparkSession spark = SparkSessions.local("tracemark-test", 2, 3);
    try {
      assertThat(spark.sparkContext().master()).isEqualTo("local[2]");
      assertThat(spark.conf().get("spark.sql.shuffle.partitions")).isEqualTo("3");
      assertThat(spark.conf().get("spark.ui.enabled")).isEqualTo("false");
      // a shuffle: 1,000 numbers into 7 groups
      assertThat(spark.range(1000).selectExpr("id % 7 as g").distinct().count()).isEqualTo(7);
    } finally {
      spark.stop();
    }
  }

  @Test
  void badCountsAreRefusedByName() {
    assertThatThrownBy(() -> SparkSessions.local("x", 0, 1)).hasMessageContaining("threads");
    assertThatThrownBy(() -> SparkSessions.local("x", 1, 0)).hasMessageContaining("shufflePartitions");
  }
}
