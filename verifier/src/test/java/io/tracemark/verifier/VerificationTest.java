package io.tracemark.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.api.DedupMode;
import io.tracemark.api.LogitsModel;
import io.tracemark.api.SchemeSpec;
import io.tracemark.verifier.report.EvidenceReport;
import io.tracemark.verifier.report.ReportInputs;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The façade: the same numbers as the pass below it, on the caller's executor, single use, a copy of its builder. */
class VerificationTest {
  static final List<SuspectRecord> MARKED = InheritanceVerifierTest.records(InheritanceVerifierTest.WM, 30, 200, 7);

  static Verification.Builder builder() {
    return Verification.builder().scheme(SchemeSpec.parse("kgw:gamma=0.25,delta=2,h=1"))
        .key(InheritanceVerifierTest.KEY).vocabularySize(InheritanceVerifierTest.VOCAB).tenants(0).controlKeys(20)
        .records(MARKED);
  }

  @Test
  void theFacadeGivesTheNumbersOfThePassBelowIt() {
    InheritanceResult direct = InheritanceVerifier.greenList(InheritanceVerifierTest.KEY, InheritanceVerifierTest.SPEC,
        InheritanceVerifierTest.VOCAB).controlKeys(20).build().closedModel(MARKED);
    InheritanceResult facade = builder().threads(1).build().run();
    assertThat(facade).isEqualTo(direct);
    assertThat(facade.verdict()).isEqualTo(InheritanceResult.Verdict.DETECTED);
  }

  @Test
  void theCallersExecutorRunsThePartitionsAndStaysUsable() throws Exception {
    Set<String> used = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(3, r -> new Thread(() -> {
      used.add(Thread.currentThread().getName());
      r.run();
    }, "caller-pool-" + used.size()));
    try {
      InheritanceResult one = builder().threads(1).build().run();
      InheritanceResult three = builder().threads(3).executor(pool).build().run();
      assertThat(three.tuplesScored()).isEqualTo(one.tuplesScored());
      assertThat(three.score()).isEqualTo(one.score());
      assertThat(three.log10P()).isEqualTo(one.log10P());
      assertThat(three.controls()).isEqualTo(one.controls());
      assertThat(used).isNotEmpty();
      // the partitions stopped cooperatively: the pool's threads are alive and take new work
      assertThat(pool.submit(() -> 42).get(10, TimeUnit.SECONDS)).isEqualTo(42);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aVerificationRunsOnceAndReportsAfterItsRun() {
    Verification v = builder().build();
    assertThatThrownBy(v::reportInputs).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs a finished run()");
    InheritanceResult r = v.run();
    assertThatThrownBy(v::run).isInstanceOf(IllegalStateException.class).hasMessage("a Verification runs once");
    ReportInputs in = v.reportInputs();
    assertThat(in.key().keyId()).isEqualTo(InheritanceVerifierTest.KEY.keyId());
    assertThat(in.options().tokenizer()).isEqualTo("none (token ids)");
    assertThat(in.corpus().files()).isEmpty();
    assertThat(EvidenceReport.of(r, in).json().get("statistics").get("tuples_scored").asLong())
        .isEqualTo(r.tuplesScored());
  }

  @Test
  void aBuiltVerificationDoesNotChangeWithItsBuilder() {
    Verification.Builder b = builder();
    Verification v = b.build();
    b.alpha(0.5).dedup(DedupMode.NONE).controlKeys(0);
    InheritanceResult r = v.run();
    assertThat(r.alpha()).isEqualTo(InheritanceVerifier.DEFAULT_ALPHA);
    assertThat(r.controls().count()).isEqualTo(20);
  }

  @Test
  void theModelProbeListsTheTopCandidatesBestFirstLowerIdOnTies() {
    LogitsModel model = new LogitsModel() {
      @Override
      public int vocabularySize() {
        return 6;
      }

      @Override
      public void nextTokenLogits(int[] tokens, int length, float[] logits) {
        float[] v = {0.5f, 2f, -1f, 2f, 3f, 0f};
        System.arraycopy(v, 0, logits, 0, v.length);
      }
    };
    assertThat(new ModelProbe(model, 1).predict(new int[] {1}, 1)).containsExactly(4);
    assertThat(new ModelProbe(model, 3).predict(new int[] {1}, 1)).containsExactly(4, 1, 3);
    assertThatThrownBy(() -> new ModelProbe(model, 7)).hasMessage("candidates must be between 1 and 6, was 7");
  }
}
