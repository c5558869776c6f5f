package io.tracemark.examples.attack;

import io.tracemark.api.Checks;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Random token edits at a rate: round(rate·n) distinct positions of the watermarked text, chosen
 * uniformly, are deleted, have a token inserted before them, or are substituted. Inserted and
 * substituted tokens are drawn uniformly from the human text's tokens (natural tokens in their
 * natural frequencies, rather than uniform vocabulary ids that no text contains).
 *
 * @param kind delete, insert or substitute
 * @param rate the share of the watermarked tokens edited, in [0, 1]
 */
public record TokenEdit(Kind kind, double rate) implements Attack {
  /** The edit. */
  public enum Kind {
    DELETE("delete"), INSERT("insert"), SUBSTITUTE("substitute");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** The name in tables. */
    public String label() {
      return label;
    }
  }

  /** Validates. */
  public TokenEdit {
    if (kind == null) {
      throw new NullPointerException("kind");
    }
    Attack.checkRate("token edit rate", rate);
  }

  @Override
  public String name() {
    return kind.label();
  }

  @Override
  public String parameters() {
    return String.format(Locale.ROOT, "rate=%s", Attack.percent(rate));
  }

  @Override
  public int[] apply(int[] watermarked, int[] human, SplittableRandom random) {
    Attack.requireLength(this, "watermarked", watermarked, 1);
    if (kind != Kind.DELETE) {
      Attack.requireLength(this, "human", human, 1);
    }
    int n = watermarked.length;
    int edits = Attack.count(rate, n);
    Checks.require(kind != Kind.DELETE || edits < n, "%s: deleting %d of %d tokens leaves no text", label(), edits,
        n);
    boolean[] chosen = Positions.choose(n, edits, random);
    int[] out = new int[kind == Kind.DELETE ? n - edits : kind == Kind.INSERT ? n + edits : n];
    int w = 0;
    for (int i = 0; i < n; i++) {
      if (!chosen[i]) {
        out[w++] = watermarked[i];
      } else if (kind == Kind.INSERT) {
        out[w++] = human[random.nextInt(human.length)];
        out[w++] = watermarked[i];
      } else if (kind == Kind.SUBSTITUTE) {
        out[w++] = human[random.nextInt(human.length)];
      }
    }
    return out;
  }
}
