package io.tracemark.verifier.monitor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Small deterministic API logs for the tests: benign accounts sending random word salad at random
 * times over two weeks, and a campaign of accounts behind a few shared payment instruments sending
 * one templated chain-of-thought prompt with varied topics after a release in the middle.
 */
public final class TestLogs {
  /** The start of the logs: 2026-01-01T00:00:00Z. */
  public static final long T0 = 1767225600L;
  /** The release in the middle of the logs: 2026-01-08. */
  public static final String RELEASE = "2026-01-08";
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestLogs() {}

  /**
   * Writes a log.
   *
   * @param benign benign accounts ({@code u0}, {@code u1}, …)
   * @param campaign campaign accounts ({@code x0}, …; none for a benign log)
   * @param perCampaignAccount requests of each campaign account
   */
  public static Path write(Path file, long seed, int benign, int campaign, int perCampaignAccount)
      throws IOException {
    SplittableRandom rnd = new SplittableRandom(seed);
    String[] syllables = {"ka", "lo", "mi", "ne", "ru", "ta", "shi", "po", "ve", "da", "gri", "mon", "tel", "sar",
        "bu", "qui", "fen", "ol"};
    String[] words = new String[20_000];
    for (int i = 0; i < words.length; i++) {
      StringBuilder w = new StringBuilder();
      for (int s = rnd.nextInt(1, 5); s > 0; s--) {
        w.append(syllables[rnd.nextInt(syllables.length)]);
      }
      words[i] = w.toString();
    }
    List<ObjectNode> lines = new ArrayList<>();
    for (int a = 0; a < benign; a++) {
      int n = rnd.nextInt(3, 80);
      for (int i = 0; i < n; i++) {
        ObjectNode r = JSON.createObjectNode();
        r.put("time", T0 + rnd.nextInt(14 * 86_400));
        r.put("account", "u" + a);
        r.put("tenant", "t" + (a % 20));
        r.put("ip", "10.0." + (a % 250) + "." + (a / 250));
        StringBuilder p = new StringBuilder();
        for (int w = rnd.nextInt(5, 26); w > 0; w--) {
          p.append(words[rnd.nextInt(words.length)]).append(' ');
        }
        r.put("prompt", p.toString().strip());
        r.put("max_tokens", 256 << rnd.nextInt(3));
        lines.add(r);
      }
    }
    for (int a = 0; a < campaign; a++) {
      for (int i = 0; i < perCampaignAccount; i++) {
        ObjectNode r = JSON.createObjectNode();
        r.put("time", T0 + 7 * 86_400 + rnd.nextInt(7 * 86_400));
        r.put("account", "x" + a);
        r.put("tenant", "evil");
        r.put("payment", "card-" + (a % 3));
        r.put("prompt", "Explain " + words[rnd.nextInt(2000)] + " in detail step by step and show your reasoning "
            + "before the final answer");
        r.put("max_tokens", 8192);
        lines.add(r);
      }
    }
    lines.sort(Comparator.comparingLong(r -> r.get("time").asLong()));
    StringBuilder b = new StringBuilder();
    for (ObjectNode r : lines) {
      b.append(r).append('\n');
    }
    Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
    return file;
  }
}
