package io.tracemark.verifier.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.PayloadDetection;

/**
 * The fields of a decoded multi-bit payload, written the same way by {@code detect --json} and by
 * the evidence report's {@code payload} section (which {@code verify --json} repeats): the message
 * in decimal and in bits, the p-value corrected for the 2^b messages and whether it is exact, and
 * each symbol with its counts and confidence.
 */
public final class PayloadSection {
  /** What the report's payload statistic is, in one sentence: the green-list family. */
  static final String STATISTIC = "green count of the decoded message (each symbol its fullest colour: the best of "
      + "the 2^b messages); p-value: its exact upper tail, the convolution of the per-position laws of the maximum "
      + "of a multinomial, or the union bound 2^b * P(Binomial(n, gamma) >= green), conservative, when p_exact is "
      + "false";
  /** The same for the Gumbel family, whose statistic is a score sum. */
  static final String GUMBEL_STATISTIC = "score sum of the decoded message (each symbol the value of largest sum of "
      + "-ln(1 - u) over its position's tuples: the best of the 2^b messages); green counts the tuples whose own "
      + "best value is the message's; p-value: the smaller of a certified upper bound of its exact upper tail (the "
      + "sum over positions of the maximum of 2^r Gamma(n_p, 1) sums) and the union bound 2^b * P(Gamma(n, 1) >= "
      + "score); p_exact is true when it is the certified bound, within 1 % of the exact tail";

  private PayloadSection() {}

  /**
   * Puts {@code payload_bits}, {@code symbol_bits}, {@code message}, {@code message_bits}, {@code
   * score}, {@code p_value}, {@code log10_p}, {@code p_exact}, {@code weakest_symbol_confidence} and
   * {@code symbols} (each: {@code index}, {@code value}, {@code units}, {@code count}, {@code
   * runner_up}, {@code score}, {@code runner_up_score}, {@code log10_margin_p}, {@code confidence})
   * into {@code n}, in this order. The scores are the green counts of a green-list payload and the
   * score sums of a Gumbel one.
   */
  public static void fields(ObjectNode n, PayloadDetection d) {
    n.put("payload_bits", d.payloadBits());
    n.put("symbol_bits", d.symbolBits());
    n.put("message", d.message());
    n.put("message_bits", bits(d.message(), d.payloadBits()));
    n.put("score", d.score());
    n.put("p_value", d.pValue());
    n.put("log10_p", d.log10PValue());
    n.put("p_exact", d.exact());
    n.put("weakest_symbol_confidence", d.weakestSymbolConfidence());
    ArrayNode symbols = n.putArray("symbols");
    for (PayloadDetection.Symbol s : d.symbols()) {
      ObjectNode x = symbols.addObject();
      x.put("index", s.index());
      x.put("value", s.value());
      x.put("units", s.units());
      x.put("count", s.count());
      x.put("runner_up", s.runnerUp());
      x.put("score", s.score());
      x.put("runner_up_score", s.runnerUpScore());
      x.put("log10_margin_p", s.log10MarginP());
      x.put("confidence", s.confidence());
    }
  }

  /** The low {@code count} bits of {@code value}, most significant first (symbol 0 in the lowest bits). */
  public static String bits(long value, int count) {
    StringBuilder b = new StringBuilder(count);
    for (int i = count - 1; i >= 0; i--) {
      b.append((value >>> i & 1) == 0 ? '0' : '1');
    }
    return b.toString();
  }

  /**
   * The report's {@code payload} section: the statistic (the Gumbel family's when {@code law} is a
   * Gamma sum), the key it was decoded under, the counts, then {@link #fields}.
   */
  static void json(ObjectNode root, String key, PayloadDetection d, NullDistribution law) {
    ObjectNode o = root.putObject("payload");
    o.put("statistic", law instanceof NullDistribution.GammaSum ? GUMBEL_STATISTIC : STATISTIC);
    o.put("key", key);
    o.put("tuples_scored", d.tuplesScored());
    o.put("green", d.green());
    o.put("green_fraction", d.greenFraction());
    fields(o, d);
  }

  /** The page's payload section, when the report has one: the message, its p-value and each symbol. */
  static void html(StringBuilder b, JsonNode r) {
    JsonNode p = r.path("payload");
    if (p.isMissingNode()) {
      return;
    }
    int bits = p.path("payload_bits").asInt();
    b.append("<h2>Payload: the decoded message</h2>\n<p>The scheme carries a message of ").append(bits)
        .append(" bits (a tenant number) in every answer. It was decoded from every tuple scored, without trying the "
            + "2<sup>").append(bits).append("</sup> messages; the p-value is that of the best message, so it is "
            + "corrected for all of them. The control keys above were decoded the same way. A symbol with a low "
            + "confidence may be wrong: confirm the number on other evidence with its one-message test.</p>\n")
        .append("<div class=\"wide\"><table>\n");
    b.append("<tr><th>message</th><td><strong>").append(p.path("message").asLong()).append("</strong> (bits <code>")
        .append(HtmlReport.esc(p.path("message_bits").asText())).append("</code>, ").append(p.path("symbols").size())
        .append(" symbols of ").append(p.path("symbol_bits").asInt()).append(" bits)</td></tr>\n");
    b.append("<tr><th>key</th><td>").append(HtmlReport.esc(p.path("key").asText())).append("</td></tr>\n");
    boolean gumbel = GUMBEL_STATISTIC.equals(p.path("statistic").asText());
    if (gumbel) {
      b.append("<tr><th>score sum of the message</th><td>").append(Numbers.human(p.path("score").asDouble()))
          .append(" over ").append(Numbers.count(p.path("tuples_scored").asLong()))
          .append(" tuples (each -ln(1 - u), mean 1 under H0)</td></tr>\n");
    }
    b.append("<tr><th>").append(gumbel ? "tuples whose best value is the message's" : "green tuples of the message")
        .append("</th><td>").append(Numbers.count(p.path("green").asLong()))
        .append(" of ").append(Numbers.count(p.path("tuples_scored").asLong())).append(" (")
        .append(Numbers.human(p.path("green_fraction").asDouble())).append(")</td></tr>\n");
    b.append("<tr><th>p-value over all messages</th><td>")
        .append(Numbers.pValue(p.path("p_value").asDouble(), p.path("log10_p").asDouble())).append(" (")
        .append(p.path("p_exact").asBoolean() ? "exact" : "conservative: an upper bound").append(")</td></tr>\n");
    b.append("<tr><th>weakest symbol confidence</th><td>")
        .append(Numbers.human(p.path("weakest_symbol_confidence").asDouble())).append("</td></tr>\n");
    b.append("</table></div>\n<div class=\"wide\"><table>\n<tr><th>symbol</th><th>value</th><th>tuples</th>")
        .append(gumbel ? "<th>score</th><th>runner-up score</th>" : "<th>count</th><th>runner-up</th>")
        .append("<th>confidence</th></tr>\n");
    for (JsonNode s : p.path("symbols")) {
      b.append("<tr><td>").append(s.path("index").asInt()).append("</td><td>").append(s.path("value").asInt())
          .append("</td><td>").append(Numbers.count(s.path("units").asLong())).append("</td><td>")
          .append(gumbel ? Numbers.human(s.path("score").asDouble()) : Numbers.count(s.path("count").asLong()))
          .append("</td><td>")
          .append(gumbel ? Numbers.human(s.path("runner_up_score").asDouble())
              : Numbers.count(s.path("runner_up").asLong())).append("</td><td>")
          .append(Numbers.human(s.path("confidence").asDouble())).append("</td></tr>\n");
    }
    b.append("</table></div>\n");
  }
}
