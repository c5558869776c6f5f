package io.tracemark.verifier.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.keys.Keys;
import io.tracemark.verifier.BadRecordPolicy;
import io.tracemark.verifier.InheritanceResult;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VerifyJob on a session that retries a failed task ({@code local[2,2]}) and serializes with Kryo (as {@code
 * VerifyJob.main} does), with Spark's event log on and its log
 * captured at INFO: a scoring task that fails once is retried and the result is unchanged, and neither the log, the
 * event log nor the configuration holds any key's bytes.
 */
class VerifyJobRetryTest {
  /** Injected failures so far (the scoring tasks run in this JVM in local mode). */
  static final AtomicInteger FAILURES = new AtomicInteger();

  static SparkSession spark;
  static StringWriter log = new StringWriter();
  static WriterAppender appender;

  @TempDir
  static Path dir;

  @BeforeAll
  static void start() throws IOException {
    Path events = Files.createDirectories(dir.resolve("events"));
    spark = SparkSession.builder().appName("tracemark-verify-retry").master("local[2,2]")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .config("spark.eventLog.enabled", "true").config("spark.eventLog.dir", events.toUri().toString())
        .config("spark.eventLog.compress", "false")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .getOrCreate();
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    appender = WriterAppender.newBuilder().setName("capture").setTarget(log)
        .setLayout(PatternLayout.newBuilder().withPattern("%p %c: %m%n").build()).build();
    appender.start();
    config.addAppender(appender);
    config.getRootLogger().addAppender(appender, Level.ALL, null);
    context.updateLoggers();
    Configurator.setRootLevel(Level.INFO);
  }

  @AfterAll
  static void stop() {
    spark.stop();
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    context.getConfiguration().getRootLogger().removeAppender("capture");
    context.updateLoggers();
    appender.stop();
  }

  @Test
  void aScoringTaskThatFailsOnceIsRetriedAndTheResultIsTheSameAsOnOneMachine() throws IOException {
    Path in = Files.createDirectories(dir.resolve("retry"));
    List<Path> files = SyntheticCorpus.write(in, Watermarks.create(VerifyJobTest.KEY, VerifyJobTest.SPEC, 100_277)
        .scorer(), 60_000, 2, 21, true);
    InheritanceResult expected = VerifyJobTest.builder(files).onBadRecord(BadRecordPolicy.SKIP).controlKeys(10)
        .build().run();
    InheritanceResult actual = VerifyJob.run(spark, VerifyJobTest.builder(files).onBadRecord(BadRecordPolicy.SKIP)
        .controlKeys(10).build(), (partition, attempt) -> {
          if (partition == 0 && attempt == 0) {
            FAILURES.incrementAndGet();
            throw new IllegalStateException("injected failure of the first attempt of scoring task 0");
          }
        });
    assertThat(FAILURES.get()).isEqualTo(1);
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void noKeyReachesTheLogTheEventLogOrTheConfiguration() throws IOException {
    Path in = Files.createDirectories(dir.resolve("secrets"));
    WatermarkKey master = VerifyJobTest.KEY;
    List<Path> files = SyntheticCorpus.write(in, Watermarks.create(master, VerifyJobTest.SPEC, 100_277).scorer(),
        30_000, 2, 22, false);
    InheritanceResult r = VerifyJob.run(spark, VerifyJobTest.builder(files).tenants(2).controlKeys(5).build());
    assertThat(r.keys()).hasSize(3);
    List<String> secrets = new ArrayList<>();
    for (WatermarkKey k : List.of(master, Keys.tenant(master, 0), Keys.tenant(master, 1))) {
      byte[] b = k.secretBytes();
      secrets.add(HexFormat.of().formatHex(b));
      secrets.add(HexFormat.of().withUpperCase().formatHex(b));
      secrets.add(Base64.getEncoder().encodeToString(b).substring(0, 40));
      secrets.add(Base64.getUrlEncoder().encodeToString(b).substring(0, 40));
    }
    StringBuilder events = new StringBuilder();
    try (Stream<Path> paths = Files.walk(dir.resolve("events"))) {
      for (Path p : paths.filter(Files::isRegularFile).toList()) {
        events.append(Files.readString(p));
      }
    }
    String conf = spark.sparkContext().getConf().toDebugString();
    // the capture and the event log saw this run
    assertThat(log.toString()).contains("Job");
    assertThat(events.toString()).contains("SparkListenerJobEnd");
    for (String s : secrets) {
      assertThat(log.toString()).doesNotContain(s);
      assertThat(events.toString()).doesNotContain(s);
      assertThat(conf).doesNotContain(s);
    }
  }
}
