package io.tracemark.verifier.spark;

import io.tracemark.api.TokenScorer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded synthetic suspect corpus in JSONL files: answers of a cheap Zipf-shaped "model" over the first {@value
 * #VOCAB_USED} ids, watermarked by resampling a red token once with probability {@code 0.6} (the key's scorer
 * decides green), so that green tuples are over-represented; some records carry a prompt (watermarked the same way,
 * so prompt exclusion matters), some repeat an earlier answer (so the global dedup matters), some give text instead
 * of token ids (tokenized by the reader), and blank lines sit between records. With {@code bad}, malformed lines, ids
 * outside the vocabulary and empty answers are mixed in.
 */
final class SyntheticCorpus {
  static final int VOCAB_USED = 2000;
  private static final String[] WORDS = {"the", "model", "answer", "of", "a", "watermark", "key", "green", "list",
      "token", "window", "corpus", "and", "is", "to", "in"};

  private SyntheticCorpus() {}

  /** Writes {@code files} files {@code part-<i>.jsonl} of about {@code tokens} answer tokens in all; returns them. */
  static List<Path> write(Path dir, TokenScorer scorer, long tokens, int files, long seed, boolean bad)
      throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    List<Path> out = new ArrayList<>();
    List<int[]> earlier = new ArrayList<>();
    long perFile = tokens / files;
    int record = 0;
    for (int f = 0; f < files; f++) {
      Path file = dir.resolve("part-" + f + ".jsonl");
      out.add(file);
      try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        long written = 0;
        while (written < perFile) {
          record++;
          if (bad && random.nextInt(50) == 0) {
            switch (random.nextInt(3)) {
              case 0 -> w.write("{\"id\": \"r" + record + "\", \"tokens\": [1, 2,\n");
              case 1 -> w.write("{\"id\": \"r" + record + "\", \"tokens\": [5, 900000]}\n");
              default -> w.write("{\"id\": \"r" + record + "\", \"tokens\": []}\n");
            }
            continue;
          }
          if (random.nextInt(20) == 0) {
            w.write("  \n");
          }
          if (random.nextInt(40) == 0) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < 30; i++) {
              text.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
            }
            w.write("{\"id\": \"r" + record + "\", \"text\": \"" + text + "\"}\n");
            written += 30;
            continue;
          }
          int[] prompt = random.nextInt(3) == 0 ? generate(scorer, new int[0], 10 + random.nextInt(30), random)
              : new int[0];
          int[] answer = random.nextInt(20) == 0 && !earlier.isEmpty()
              ? earlier.get(random.nextInt(earlier.size()))
              : generate(scorer, prompt, 20 + random.nextInt(300), random);
          if (earlier.size() < 1000) {
            earlier.add(answer);
          }
          w.write("{\"id\": \"r" + record + "\"");
          if (prompt.length > 0) {
            w.write(", \"prompt_tokens\": " + array(prompt));
          }
          w.write(", \"tokens\": " + array(answer) + "}\n");
          written += answer.length;
        }
      }
    }
    return out;
  }

  private static int[] generate(TokenScorer scorer, int[] context, int n, SplittableRandom random) {
    int h = scorer.contextWidth();
    int[] seq = new int[context.length + n];
    System.arraycopy(context, 0, seq, 0, context.length);
    for (int i = context.length; i < seq.length; i++) {
      seq[i] = draw(random);
      if (i >= h && scorer.score(seq, i) == 0 && random.nextDouble() < 0.6) {
        seq[i] = draw(random);
      }
    }
    int[] answer = new int[n];
    System.arraycopy(seq, context.length, answer, 0, n);
    return answer;
  }

  private static int draw(SplittableRandom random) {
    return (int) (VOCAB_USED * Math.pow(random.nextDouble(), 2.5));
  }

  private static String array(int[] ids) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < ids.length; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(ids[i]);
    }
    return b.append(']').toString();
  }
}
