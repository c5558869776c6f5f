package io.tracemark.verifier.cli;

import io.tracemark.verifier.FieldWeights;
import picocli.CommandLine;

/**
 * The value of {@code verify --weights}: {@code reference} (the window's count in the {@code
 * --filter} corpus), {@code reference:N} (the count of the N tokens before the position), or
 * {@code field:NAME} / {@code field:NAME:MAX} (per-token weights from each suspect record's JSONL
 * field NAME, on a grid whose top level is the weight MAX, default {@value FieldWeights#DEFAULT_MAX}).
 *
 * @param referenceContext the reference context length (−1: the scheme's window), or null
 * @param field the JSONL field of field weights, or null
 * @param max the top weight of field weights
 */
record WeightsChoice(Integer referenceContext, String field, double max) {
  /** Parses the option's value; a bad one is a usage error naming what was wrong. */
  static WeightsChoice parse(CommandLine cli, String value) {
    String v = value.strip();
    if (v.equals("reference")) {
      return new WeightsChoice(-1, null, 0);
    }
    if (v.startsWith("reference:")) {
      try {
        int n = Integer.parseInt(v.substring("reference:".length()));
        if (n >= 0 && n <= 64) {
          return new WeightsChoice(n, null, 0);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new CommandLine.ParameterException(cli, "--weights reference:N needs N between 0 and 64, was "
          + Json.quote(v.substring("reference:".length())));
    }
    if (v.startsWith("field:")) {
      String rest = v.substring("field:".length());
      int colon = rest.lastIndexOf(':');
      String name = colon < 0 ? rest : rest.substring(0, colon);
      double max = FieldWeights.DEFAULT_MAX;
      if (colon >= 0) {
        String m = rest.substring(colon + 1);
        try {
          max = m.matches("[0-9]*\\.?[0-9]+") ? Double.parseDouble(m) : Double.NaN;
        } catch (NumberFormatException e) {
          max = Double.NaN;
        }
        if (!(max > 0) || !Double.isFinite(max)) {
          throw new CommandLine.ParameterException(cli, "--weights field:NAME:MAX needs MAX, the weight of the top "
              + "level, a plain decimal > 0, was " + Json.quote(m));
        }
      }
      if (name.isBlank()) {
        throw new CommandLine.ParameterException(cli, "--weights field:NAME needs the name of the JSONL field that "
            + "holds the per-token weights");
      }
      return new WeightsChoice(null, name, max);
    }
    throw new CommandLine.ParameterException(cli, "--weights must be reference, reference:N, field:NAME or "
        + "field:NAME:MAX, was " + Json.quote(v));
  }

  /** Whether the weights are context counts in the owner's corpus (which then needs --filter). */
  boolean reference() {
    return referenceContext != null;
  }

  /** The canonical form, as a plan records it: {@code reference}, {@code reference:N} or {@code field:NAME:MAX}. */
  String canonical() {
    if (reference()) {
      return referenceContext < 0 ? "reference" : "reference:" + referenceContext;
    }
    return "field:" + field + ":" + max;
  }
}
