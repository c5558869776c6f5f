package io.tracemark.verifier.text;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The normalisers applied to text before it is tokenized: a set of {@link TextNormalizer}s, always
 * applied in the order of that enum (invisible, nfc or nfkc, skeleton, whitespace) whatever order
 * they were named in, so that a set names one function of the text. The same {@code
 * Normalization} must be used wherever text is tokenized — detection, verification and the
 * generation-side check ({@link TextPipeline#firstDisagreement}) — or their tokens differ. Immutable
 * and thread-safe.
 */
public final class Normalization {
  /** No normalisation. */
  public static final Normalization NONE = new Normalization(EnumSet.noneOf(TextNormalizer.class));

  /** What {@code --normalize} without a list applies: invisible characters removed, then NFC. */
  public static final Normalization DEFAULT = of(TextNormalizer.INVISIBLE, TextNormalizer.NFC);

  private final List<TextNormalizer> steps;

  private Normalization(Set<TextNormalizer> steps) {
    this.steps = Collections.unmodifiableList(new ArrayList<>(steps));
  }

  /**
   * The normalisers given, applied in their fixed order.
   *
   * @throws IllegalArgumentException when both nfc and nfkc are given (nfkc includes nfc's composition)
   */
  public static Normalization of(TextNormalizer... normalizers) {
    return of(List.of(normalizers));
  }

  /** As {@link #of(TextNormalizer...)}. */
  public static Normalization of(Collection<TextNormalizer> normalizers) {
    EnumSet<TextNormalizer> set = normalizers.isEmpty() ? EnumSet.noneOf(TextNormalizer.class)
        : EnumSet.copyOf(normalizers);
    if (set.contains(TextNormalizer.NFC) && set.contains(TextNormalizer.NFKC)) {
      throw new IllegalArgumentException("normalisers nfc and nfkc exclude each other (nfkc composes as nfc does)");
    }
    return set.isEmpty() ? NONE : new Normalization(set);
  }

  /**
   * Parses a comma-separated list of normaliser names, e.g. {@code nfkc,skeleton,invisible,whitespace};
   * {@code none} is no normalisation.
   *
   * @throws IllegalArgumentException naming the value for an unknown or repeated name, an empty
   *     list, or nfc with nfkc
   */
  public static Normalization parse(String list) {
    String t = list.trim();
    if (t.equalsIgnoreCase("none")) {
      return NONE;
    }
    if (t.isEmpty()) {
      throw new IllegalArgumentException("normalisers: the list is empty; name some of " + TextNormalizer.ids()
          + ", or none");
    }
    List<TextNormalizer> named = new ArrayList<>();
    for (String part : t.split(",", -1)) {
      TextNormalizer n = TextNormalizer.byId(part);
      if (named.contains(n)) {
        throw new IllegalArgumentException(String.format(Locale.ROOT, "normaliser \"%s\" is named twice in \"%s\"",
            n.id(), list));
      }
      named.add(n);
    }
    return of(named);
  }

  /** The normalisers in the order they are applied; empty for {@link #NONE}. */
  public List<TextNormalizer> normalizers() {
    return steps;
  }

  /** The names of the normalisers in the order they are applied. */
  public List<String> names() {
    List<String> names = new ArrayList<>(steps.size());
    for (TextNormalizer n : steps) {
      names.add(n.id());
    }
    return Collections.unmodifiableList(names);
  }

  /** Whether nothing is applied. */
  public boolean isNone() {
    return steps.isEmpty();
  }

  /**
   * The name recorded in reports and JSON output: the normalisers' names joined by "+" in the order
   * they are applied (e.g. {@code invisible+nfkc+skeleton}), or {@code none}.
   */
  public String label() {
    return steps.isEmpty() ? "none" : String.join("+", names());
  }

  /**
   * {@code text} with every normaliser applied, in order; the argument itself when nothing changes.
   *
   * @throws TextPipeline.InvalidTextException for an unpaired surrogate (not Unicode text)
   */
  public String apply(String text) {
    TextPipeline.checkText(text);
    String t = text;
    for (TextNormalizer n : steps) {
      t = n.applyChecked(t);
    }
    return t;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Normalization && ((Normalization) o).steps.equals(steps);
  }

  @Override
  public int hashCode() {
    return steps.hashCode();
  }

  @Override
  public String toString() {
    return "Normalization[" + label() + "]";
  }
}
