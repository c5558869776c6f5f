package io.tracemark.verifier;

import org.junit.jupiter.api.Test;

/** Regenerates docs/sample only when asked (-Dtracemark.regenerateSample=true); otherwise does nothing. */
class SampleCorpusGeneratorTest {
  @Test
  void regenerateWhenRequested() throws Exception {
    SampleCorpusGenerator.writeIfRequested();
  }
}
