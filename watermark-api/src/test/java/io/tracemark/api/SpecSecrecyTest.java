package io.tracemark.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SPECs that hold a key: no message echoes it, whatever is wrong; the grammar is strict. */
class SpecSecrecyTest {
  static final String KEY = "8675309123";
  static final String OTHER_KEY = "1111111111";

  /** The key in decimal, in hex and as a substring a message could cut it to. */
  static List<String> forms(String key) {
    BigInteger k = new BigInteger(key.replaceAll("[^0-9]", ""));
    return List.of(key.replaceAll("[^0-9]", ""), k.toString(16), k.toString(16).toUpperCase(Locale.ROOT),
        key.replaceAll("[^0-9]", "").substring(0, 7));
  }

  /**
   * Property: specifications that hold a known key in every place a key can be given, each made
   * wrong in one of many ways (a bad key, a conflicting second key, a broken or damaged seeding
   * name, an unknown or repeated parameter, a bad number), fail with messages that contain
   * neither key in any form.
   */
  @Test
  void noErrorAboutASpecContainsItsKey() {
    List<String> specs = new ArrayList<>();
    String[] badKeys = {KEY + "x", "-" + KEY + "0000000000", KEY + "e3", KEY + ".5", "0x" + KEY, KEY + KEY + KEY,
        " " + KEY + "f", "+" + KEY + "\u001b"};
    for (String bad : badKeys) {
      specs.add("vllm:algorithm=gumbel,key=" + bad);
      specs.add("lmw:seeding=lefthash,vocab=50257,hash-key=" + bad);
      specs.add("hf:vocab=50257,hashing-key=" + bad);
      specs.add("lmw:seeding=ff-additive_prf-1-False-" + bad + ",vocab=50257");
      specs.add("hf-synthid:keys=" + bad + ",ngram-len=5,gvals=table");
      specs.add("hf-synthid:keys=654/" + bad + "/" + OTHER_KEY + ",ngram-len=5,gvals=hash");
    }
    specs.add("hf-synthid:keys=" + KEY + "/" + OTHER_KEY + ",keys=" + OTHER_KEY + ",ngram-len=5,gvals=table");
    specs.add("hf-synthid:keys=" + KEY + "/" + OTHER_KEY + ",ngram-len=5,gvals=hash,table-seed=3");
    specs.add("hf-synthid:keys=" + KEY + "//" + OTHER_KEY + ",ngram-len=5,gvals=table");
    specs.add("hf-synthid:keys=" + KEY + "," + OTHER_KEY + ",ngram-len=5,gvals=table");
    specs.add("hf-synthid:keys=" + KEY + "/" + OTHER_KEY + ",ngram-len=5,gvals=" + KEY);
    specs.add("hf-synthid:keys=" + KEY + "/" + OTHER_KEY + ",ngram-len=1,gvals=table");
    specs.add("hf-synthid:" + KEY + "/" + OTHER_KEY + ",ngram-len=5,gvals=table");
    specs.add("lmw:seeding=ff-additive_prf-1-False-" + KEY + ",hash-key=" + OTHER_KEY + ",vocab=50257");
    specs.add("lmw:seeding=ff-additive_prf-1-False-" + OTHER_KEY + ",hash-key=" + KEY + ",vocab=50257");
    specs.add("lmw:seeding=ff-additive_prf-1-False-" + KEY + "-" + OTHER_KEY + ",vocab=50257");
    specs.add("lmw:seeding=ff-additive_prf-" + KEY + ",vocab=50257");
    specs.add("lmw:seeding=ff-" + KEY + "-1-False,vocab=50257");
    specs.add("lmw:seeding=ff-additive_prf-1-False-" + KEY + ",prf=additive_prf,vocab=50257");
    specs.add("lmw:seeding=nonsense-" + KEY + ",vocab=50257");
    specs.add("hf:seeding=ff-additive_prf-1-False-" + KEY + ",vocab=50257");
    specs.add("vllm:algorithm=gumbel," + KEY);
    specs.add("gumbel:h=" + KEY);
    specs.add("gumbel:h=4,alpha=" + KEY);
    specs.add("gumbel:h=4,dual," + KEY);
    specs.add("gumbel:h=4,dual=" + KEY);
    specs.add("gumbel:h=4,dual,alpha=0." + KEY);
    specs.add("gumbel:h=4,score=" + KEY);
    specs.add("gumbel:key=" + KEY);
    specs.add("vllm:" + KEY);
    specs.add("vllm " + KEY);
    specs.add("vllm:algorithm=gumbel,key=" + KEY + ",key=" + OTHER_KEY);
    specs.add("lmw:seeding=lefthash,vocab=50257,hash-key=" + KEY + ",hashing-key=" + OTHER_KEY);
    specs.add("hf:vocab=50257,hash-key=" + KEY + ",hash_key=" + OTHER_KEY);
    String[] wrongElsewhere = {"gamma=1.5", "gamma=0.25f", "vocab=0x10", "colour=red", "context-width=0",
        "delta=1e-1", "alpha=2", "prf=hmac", "bos-token-id=-1", "algorithm=sbw", "deduplicate-contexts=maybe"};
    for (String w : wrongElsewhere) {
      specs.add("vllm:algorithm=gumbel,key=" + KEY + "," + w);
      specs.add("lmw:seeding=lefthash,vocab=50257,hash-key=" + KEY + "," + w);
      specs.add("hf:vocab=50257,hash-key=" + KEY + "," + w);
      specs.add("lmw:seeding=ff-additive_prf-1-False-" + KEY + ",vocab=50257," + w);
      specs.add("hf-synthid:keys=" + KEY + "/" + OTHER_KEY + ",ngram-len=4,gvals=table," + w);
    }
    SplittableRandom random = new SplittableRandom(11);
    List<String> seeds = List.copyOf(specs);
    for (int i = 0; i < 3000; i++) {
      char[] c = seeds.get(random.nextInt(seeds.size())).toCharArray();
      int at = random.nextInt(c.length);
      c[at] = ",=:-_ 0123456789abcxyzTF".charAt(random.nextInt(24));
      specs.add(new String(c));
    }
    List<String> forbidden = new ArrayList<>(forms(KEY));
    forbidden.addAll(forms(OTHER_KEY));
    int errors = 0;
    for (String spec : specs) {
      try {
        SchemeSpec.parse(spec);
      } catch (IllegalArgumentException e) {
        errors++;
        for (String f : forbidden) {
          assertThat(e.getMessage()).as("message for %s", spec).doesNotContain(f);
        }
      }
    }
    assertThat(errors).isGreaterThan(specs.size() / 2);
  }

  @Test
  void theMessagesStillNameTheParameterAndTheProblem() {
    assertThatThrownBy(() -> SchemeSpec.parse("vllm:algorithm=gumbel,key=" + KEY + "x"))
        .hasMessage("key must be an integer between 0 and 18446744073709551615 (the value is not shown: it is a key)");
    assertThatThrownBy(() -> SchemeSpec.parse("lmw:seeding=ff-additive_prf-1-False-" + KEY + ",hash-key="
        + OTHER_KEY + ",vocab=50257")).hasMessageStartingWith("hash-key differs from the key part of seeding");
    assertThatThrownBy(() -> SchemeSpec.parse("lmw:seeding=ff-additive_prf-1-False-" + KEY + "-9,vocab=5"))
        .hasMessage("seeding ff-<prf>-<h>-<True|False>[-<key>] must have 4 or 5 parts, was "
            + "\"ff-additive_prf-1-False-***-***\"");
    assertThatThrownBy(() -> SchemeSpec.parse("vllm:algorithm=gumbel," + KEY))
        .hasMessage("vllm parameter 2 (counting from 1) must be name=value");
  }

  @Test
  void anEmptySpecAnAliasGivenTwiceAndNumbersThatAreNotPlainDecimalsAreErrors() {
    assertThatThrownBy(() -> SchemeSpec.parse("")).hasMessageStartingWith("scheme is empty");
    assertThatThrownBy(() -> SchemeSpec.parse("lmw:")).hasMessage("lmw: needs its parameters, e.g. "
        + "lmw:seeding=lefthash,vocab=50257");
    assertThatThrownBy(() -> SchemeSpec.parse("vllm:  ")).hasMessageContaining("vllm: needs its parameters");
    assertThatThrownBy(() -> SchemeSpec.parse("hf:vocab=50257,gamma=0.25,greenlist-ratio=0.25"))
        .hasMessageContaining("are the same, give one");
    assertThatThrownBy(() -> SchemeSpec.parse("lmw:seeding=lefthash,seeding-scheme=lefthash,vocab=50257"))
        .hasMessageContaining("are the same, give one");
    for (String bad : new String[] {"0.25f", "0x1p-2", "2.5e-1", "NaN", "Infinity"}) {
      assertThatThrownBy(() -> SchemeSpec.parse("lmw:seeding=lefthash,vocab=50257,gamma=" + bad)).as(bad)
          .hasMessageStartingWith("gamma must be a plain decimal number");
      assertThatThrownBy(() -> SchemeSpec.parse("hf:vocab=50257,delta=" + bad)).as(bad)
          .hasMessageStartingWith("delta must be a plain decimal number");
      assertThatThrownBy(() -> SchemeSpec.parse("vllm:algorithm=dual_key_gumbel,key=1,alpha=" + bad)).as(bad)
          .hasMessageStartingWith("alpha must be a plain decimal number");
    }
    assertThatThrownBy(() -> SchemeSpec.parse("hf:vocab=5e4")).hasMessage("vocab must be an integer, was \"5e4\"");
    assertThatThrownBy(() -> SchemeSpec.parse("vllm:key=1,context-width=+0x4"))
        .hasMessage("context-width must be an integer, was \"+0x4\"");
  }

  /** hf-synthid holds m keys: the redacted form, toString and messages show none of them. */
  @Test
  void synthIdKeysAreNeverShown() {
    HfSynthIdSpec s = HfSynthIdSpec.parse("hf-synthid:keys=" + KEY + "/" + OTHER_KEY + ",ngram-len=5,gvals=hash");
    assertThat(s.canonical()).contains(KEY).contains(OTHER_KEY);
    for (String shown : new String[] {s.redacted(), s.toString(), s.keyWarning(), s.caveat(),
        s.withKey(1).toString()}) {
      for (String f : forms(KEY)) {
        assertThat(shown).doesNotContain(f);
      }
      for (String f : forms(OTHER_KEY)) {
        assertThat(shown).doesNotContain(f);
      }
    }
    assertThat(s.redacted()).isEqualTo("hf-synthid:keys=***,ngram-len=5,gvals=hash,context-history=1024,score=mean");
    assertThatThrownBy(() -> SchemeSpec.parse("hf-synthid:keys=1/" + KEY + "x,ngram-len=5,gvals=hash"))
        .hasMessage("keys (key 2, counting from 1) must be an integer between -9223372036854775808 and "
            + "9223372036854775807 (the value is not shown: it is a key)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"lmw:seeding=lefthash,vocab=50257,hash-key=8675309", "hf:vocab=50257,hash-key=8675309"})
  void enumerableKeysAreSaidToBeGuessable(String spec) {
    InteropSpec s = (InteropSpec) SchemeSpec.parse(spec);
    assertThat(s.guessableKey()).isTrue();
    assertThat(s.keyWarning()).contains("guessable").contains("no commitment").doesNotContain("8675309");
    InteropSpec v = (InteropSpec) SchemeSpec.parse("vllm:algorithm=gumbel,key=8675309");
    assertThat(v.guessableKey()).isFalse();
    assertThat(v.keyWarning()).contains("64-bit").contains("picked by hand").doesNotContain("8675309");
  }
}
