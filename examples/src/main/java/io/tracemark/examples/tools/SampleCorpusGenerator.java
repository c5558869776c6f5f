package io.tracemark.examples.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.TokenSampler;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.internal.SafeFiles;
import io.tracemark.core.keys.KeyFiles;
import io.tracemark.core.sampling.Samplers;
import io.tracemark.examples.corpus.BrownCorpus;
import io.tracemark.verifier.text.TextTokenizer;
import io.tracemark.verifier.text.Tokenizers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates the bundled sample corpus in {@code docs/sample/} (kept in the repository so the
 * sample can be regenerated and audited). A tool, not a test: after {@code ./mvnw -B package
 * -DskipTests}, run {@code java -cp examples/target/tracemark-examples.jar
 * io.tracemark.examples.tools.SampleCorpusGenerator docs/sample} (see {@code docs/benchmarks.md}).
 *
 * <p>A bigram model of the Brown corpus (cl100k_base tokens, interpolated with the unigram
 * distribution) plays the owner's model. Its watermarked answers (DEMO key, scheme
 * {@value #SPEC}) to Brown sentences used as prompts make {@code suspect.jsonl}, mixed with
 * human paragraphs as a scraped corpus would be; the same model without the watermark makes
 * {@code innocent.jsonl}.
 */
public final class SampleCorpusGenerator {
  static final String SPEC = "kgw:gamma=0.25,delta=2,h=1";
  static final String KEY_FILE = "DEMO-KEY-public-do-not-use.json";

  private SampleCorpusGenerator() {}

  /** The demo key: SHA-256 of a public phrase. Public by construction, for the sample only. */
  static WatermarkKey demoKey() throws Exception {
    byte[] secret = MessageDigest.getInstance("SHA-256")
        .digest("tracemark DEMO key: public, for the bundled sample only, never for real outputs"
            .getBytes(StandardCharsets.UTF_8));
    return WatermarkKey.fromBytes(secret);
  }

  static void generate(Path dir) throws Exception {
    TextTokenizer tok = Tokenizers.jtokkit("cl100k_base");
    int vocab = tok.vocabularySize();
    List<BrownCorpus.Document> docs = BrownCorpus.documents();
    // bigram and unigram counts over the first 400 documents
    Map<Integer, Map<Integer, Integer>> bigrams = new HashMap<>();
    double[] unigram = new double[vocab];
    double total = 0;
    List<String> sentences = new ArrayList<>();
    List<String> humanParagraphs = new ArrayList<>();
    for (int d = 0; d < docs.size(); d++) {
      BrownCorpus.Document doc = docs.get(d);
      if (d >= 400) {
        for (String p : doc.paragraphs()) {
          if (p.length() > 200 && p.length() < 1200) {
            humanParagraphs.add(p);
          }
        }
        continue;
      }
      for (String p : doc.paragraphs()) {
        int dot = p.indexOf(". ");
        if (dot > 40 && dot < 200) {
          sentences.add(p.substring(0, dot + 1));
        }
      }
      int[] t = tok.encode(doc.text());
      for (int i = 0; i < t.length; i++) {
        unigram[t[i]]++;
        total++;
        if (i > 0) {
          bigrams.computeIfAbsent(t[i - 1], k -> new HashMap<>()).merge(t[i], 1, Integer::sum);
        }
      }
    }
    double[] logUnigram = new double[vocab];
    for (int t = 0; t < vocab; t++) {
      logUnigram[t] = unigram[t] == 0 ? Double.NEGATIVE_INFINITY : Math.log(unigram[t] / total);
    }
    WatermarkKey key = demoKey();
    Watermark wm = Watermarks.create(key, KgwSpec.parse(SPEC), vocab);
    Files.createDirectories(dir);
    Path keyPath = dir.resolve(KEY_FILE);
    Files.deleteIfExists(keyPath);
    KeyFiles.write(key, keyPath);
    ObjectMapper json = new ObjectMapper();
    SplittableRandom random = new SplittableRandom(20261128);
    // the unwatermarked model draws from its own stream
    SplittableRandom innocentRandom = new SplittableRandom(20261129);
    StringBuilder suspect = new StringBuilder();
    StringBuilder innocent = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      String prompt = sentences.get(random.nextInt(sentences.size()));
      String wmAnswer = answer(tok, prompt, wm, bigrams, logUnigram, random, 120);
      ObjectNode rec = json.createObjectNode().put("id", "api-answer-" + i).put("prompt", prompt).put("text", wmAnswer);
      suspect.append(json.writeValueAsString(rec)).append('\n');
      String human = humanParagraphs.get(random.nextInt(humanParagraphs.size()));
      suspect.append(json.writeValueAsString(json.createObjectNode().put("id", "web-page-" + i).put("text", human)))
          .append('\n');
      String plain = answer(tok, prompt, null, bigrams, logUnigram, innocentRandom, 120);
      innocent.append(json.writeValueAsString(json.createObjectNode().put("id", "other-model-" + i)
          .put("prompt", prompt).put("text", plain))).append('\n');
    }
    SafeFiles.replace(dir.resolve("suspect.jsonl"), suspect.toString().getBytes(StandardCharsets.UTF_8));
    SafeFiles.replace(dir.resolve("innocent.jsonl"), innocent.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static String answer(TextTokenizer tok, String prompt, Watermark wm,
      Map<Integer, Map<Integer, Integer>> bigrams, double[] logUnigram, SplittableRandom random, int length) {
    int[] p = tok.encode(prompt);
    int[] seq = new int[p.length + length];
    System.arraycopy(p, 0, seq, 0, p.length);
    float[] logits = new float[logUnigram.length];
    TokenSampler sampler = Samplers.multinomial(random);
    for (int n = p.length; n < seq.length; n++) {
      Map<Integer, Integer> next = bigrams.getOrDefault(seq[n - 1], Map.of());
      double count = 0;
      for (int c : next.values()) {
        count += c;
      }
      // P(t) = 0.8 bigram + 0.2 unigram, as logits
      for (int t = 0; t < logits.length; t++) {
        logits[t] = (float) (Math.log(0.2) + logUnigram[t]);
      }
      for (Map.Entry<Integer, Integer> e : next.entrySet()) {
        int t = e.getKey();
        logits[t] = (float) Math.log(0.8 * e.getValue() / count + Math.exp(logits[t]));
      }
      if (wm != null) {
        wm.bias().orElseThrow().apply(seq, n, logits);
      }
      seq[n] = sampler.sample(logits);
    }
    return tok.decode(java.util.Arrays.copyOfRange(seq, p.length, seq.length)).strip();
  }

  /** Writes the sample into the directory {@code args[0]} (default {@code docs/sample}). */
  public static void main(String[] args) throws Exception {
    generate(Path.of(args.length > 0 ? args[0] : "docs/sample"));
  }
}
