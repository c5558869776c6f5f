package io.tracemark.core;

import io.tracemark.api.Checks;
import io.tracemark.api.DedupMode;
import io.tracemark.api.PayloadDetection;
import io.tracemark.api.SchemeSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A decoder of a multi-bit payload, whatever the family: the green list's colour counts ({@link
 * PayloadDecoder}) or the Gumbel family's score sums ({@link GumbelPayloadDecoder}). A corpus
 * verifier holds one per key, feeds each key's units to its {@link CorpusPayloadTally}, merges the
 * tallies of its partitions and decodes them with {@link #decodeAll}, without knowing the family.
 * Implementations are immutable and thread-safe.
 */
public sealed interface CorpusPayloadDecoder permits PayloadDecoder, GumbelPayloadDecoder {
  /** The specification (it has a payload). */
  SchemeSpec spec();

  /** Token ids lie in {@code [0, vocabularySize())}. */
  int vocabularySize();

  /** Decodes one text with the specification's default deduplication. */
  PayloadDetection decode(int[] tokens);

  /** Decodes {@code tokens[offset, offset + length)} with the given deduplication. */
  PayloadDetection decode(int[] tokens, int offset, int length, DedupMode dedup);

  /**
   * A new accumulator over one text or a corpus whose records are added one by one with one
   * deduplication across all of them ({@link DedupMode#NONE}: the caller deduplicates).
   */
  CorpusPayloadTally newTally(DedupMode dedup);

  /**
   * Decodes the tallies of several keys over the same units (e.g. the owner's key and its control
   * keys): {@code tallies.get(i)} gives result i, as its own {@link CorpusPayloadTally#decode()}
   * would with {@code tokensRead} tokens read. Green-list tallies share the laws of the maximum they
   * need, computed once ({@link PayloadDecoder#decodeCounts(List, List, long)}).
   *
   * @param tokensRead the tokens read to collect the units (at least the units of every tally)
   * @throws IllegalArgumentException if the tallies mix families, specifications or vocabularies
   */
  static List<PayloadDetection> decodeAll(List<? extends CorpusPayloadTally> tallies, long tokensRead) {
    if (tallies.isEmpty()) {
      return List.of();
    }
    CorpusPayloadDecoder first = tallies.get(0).decoder();
    for (int i = 1; i < tallies.size(); i++) {
      CorpusPayloadDecoder d = tallies.get(i).decoder();
      Checks.require(d.getClass() == first.getClass() && d.spec().equals(first.spec())
          && d.vocabularySize() == first.vocabularySize(),
          "tally %d has another family, specification or vocabulary than tally 0", i);
    }
    if (first instanceof PayloadDecoder) {
      List<PayloadDecoder> decoders = new ArrayList<>(tallies.size());
      List<long[][]> counts = new ArrayList<>(tallies.size());
      for (CorpusPayloadTally t : tallies) {
        PayloadTally p = (PayloadTally) t;
        decoders.add(p.decoder());
        counts.add(p.counts());
      }
      return PayloadDecoder.decodeCounts(decoders, counts, tokensRead);
    }
    List<PayloadDetection> out = new ArrayList<>(tallies.size());
    for (CorpusPayloadTally t : tallies) {
      out.add(((GumbelPayloadTally) t).decode(tokensRead));
    }
    return out;
  }
}
