package io.tracemark.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.api.InteropSpec;
import io.tracemark.api.SchemeSpec;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Watermarks.create covers the sealed family of specifications. */
class WatermarksTest {
  /** One specification of every record the sealed interfaces permit. */
  static final Map<String, String> EXAMPLES = Map.of(
      "KgwSpec", "kgw:gamma=0.25,h=2",
      "LmwSpec", "lmw:seeding=lefthash,vocab=1000",
      "HfSpec", "hf:seeding=selfhash,vocab=1000",
      "VllmSpec", "vllm:algorithm=dual_key_gumbel,key=7,vocab=1000",
      "HfSynthIdSpec", "hf-synthid:keys=1/2/3,ngram-len=3,gvals=hash,vocab=1000",
      "SynthIdSpec", "synthid:depth=20,h=2",
      "GumbelSpec", "gumbel:h=2,dual,alpha=0.2");

  static List<Class<?>> leaves(Class<?> sealed) {
    List<Class<?>> out = new ArrayList<>();
    for (Class<?> c : sealed.getPermittedSubclasses()) {
      if (c.isSealed()) {
        out.addAll(leaves(c));
      } else {
        out.add(c);
      }
    }
    return out;
  }

  @Test
  void everyPermittedFamilyBecomesAWatermarkWithItsOwnSpec() {
    List<Class<?>> families = leaves(SchemeSpec.class);
    assertThat(families).extracting(Class::getSimpleName).containsExactlyInAnyOrderElementsOf(EXAMPLES.keySet());
    for (Class<?> family : families) {
      SchemeSpec spec = SchemeSpec.parse(EXAMPLES.get(family.getSimpleName()));
      assertThat(spec).isInstanceOf(family);
      Watermark wm = !spec.carriesKey() ? Watermarks.create(WatermarkKey.fromBytes(new byte[32]), spec, 1000)
          : Watermarks.create((InteropSpec) spec);
      assertThat(wm.spec()).isEqualTo(spec);
      assertThat(wm.vocabularySize()).isEqualTo(1000);
      assertThat(wm.scorer().contextWidth()).isEqualTo(spec.contextWidth());
      assertThat(wm.scorer().nullDistribution()).isEqualTo(spec.nullDistribution());
      assertThat(wm.defaultDedup()).isEqualTo(spec.defaultDedup());
      assertThat(wm.bias().isPresent() ^ wm.sampling().isPresent()).as("one generation side").isTrue();
      int[] tokens = new java.util.SplittableRandom(1).ints(200, 0, 1000).toArray();
      assertThat(wm.detector().detect(tokens).nullDistribution()).isEqualTo(spec.nullDistribution());
    }
  }
}
