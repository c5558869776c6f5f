package io.tracemark.verifier;

import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.Detector;
import io.tracemark.api.Watermark;
import io.tracemark.core.stats.Localization;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Builds {@link RecordRegions} from the records of a verification as they stream past ({@link
 * #tap}): one detection and one localisation per record, the best {@code top} regions kept in a
 * bounded heap. Thread-safe ({@link #accept} is synchronized); used once.
 */
final class RegionCollector {
  /** The worst kept region first, so that it is the one a better region replaces. */
  private static final Comparator<Kept> WORST_FIRST = Comparator.comparingDouble((Kept k) -> k.log10P)
      .reversed().thenComparing(k -> k.order, Comparator.reverseOrder());

  private final Detector detector;
  private final RegionSearch search;
  private final int vocabularySize;
  private final int top;
  private final double alpha;
  private final PriorityQueue<Kept> kept = new PriorityQueue<>(WORST_FIRST);
  /**
   * Corrected region log10 p of the records significant at alpha: only they can stay significant
   * after Bonferroni over the records, whose count is known at the end.
   */
  private double[] significantLog10P = new double[16];
  private long localized;
  private long shorter;
  private long significant;

  private record Kept(long order, double log10P, String id, int tokens, Localization loc) {}

  RegionCollector(Watermark watermark, DedupMode dedup, RegionSearch search, int vocabularySize, int top,
      double alpha) {
    this.detector = watermark.detector(dedup);
    this.search = search;
    this.vocabularySize = vocabularySize;
    this.top = top;
    this.alpha = alpha;
  }

  /** {@code records}, each localised as it is handed out. */
  Iterable<SuspectRecord> tap(Iterable<SuspectRecord> records) {
    return () -> {
      Iterator<SuspectRecord> it = records.iterator();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public SuspectRecord next() {
          SuspectRecord r = it.next();
          accept(r);
          return r;
        }
      };
    };
  }

  /**
   * Localises one record. A record without tokens, or with an id outside the vocabulary (which the
   * verification reports as a bad record), is not localised.
   */
  synchronized void accept(SuspectRecord r) {
    int[] tokens = r.tokens();
    if (tokens.length == 0) {
      return;
    }
    for (int t : tokens) {
      if (t < 0 || t >= vocabularySize) {
        return;
      }
    }
    Detection d = detector.detect(tokens);
    Localization loc = search.localize(d);
    Localization.Region best = loc.best();
    if (loc.unitsScored() < search.shortestWindow()) {
      shorter++;
    }
    double p = best.correctedLog10P();
    if (best.significantAt(alpha)) {
      if (significant == significantLog10P.length) {
        significantLog10P = Arrays.copyOf(significantLog10P, 2 * significantLog10P.length);
      }
      significantLog10P[(int) significant++] = p;
    }
    Kept k = new Kept(++localized, p, r.id(), tokens.length, loc);
    if (kept.size() < top) {
      kept.add(k);
    } else if (WORST_FIRST.compare(k, kept.peek()) > 0) {
      kept.poll();
      kept.add(k);
    }
  }

  /** The result. */
  synchronized RecordRegions finish() {
    long n = localized;
    double log10N = n == 0 ? 0 : Math.log10(n);
    double log10Alpha = Math.log10(alpha);
    long adjusted = 0;
    for (int i = 0; i < significant; i++) {
      if (Math.min(0, significantLog10P[i] + log10N) < log10Alpha) {
        adjusted++;
      }
    }
    List<Kept> best = new ArrayList<>(kept);
    best.sort(WORST_FIRST.reversed());
    List<RecordRegions.Region> regions = new ArrayList<>(best.size());
    for (Kept k : best) {
      Localization.Region b = k.loc.best();
      regions.add(new RecordRegions.Region(k.id, k.tokens, k.loc.unitsScored(), b.start(), b.end(), b.units(),
          b.score(), b.correctedLog10P(), Math.min(0, b.correctedLog10P() + log10N), k.loc.globalLog10P()));
    }
    return new RecordRegions(search.localizer().toString(), alpha, n, shorter, significant, adjusted, regions,
        n - regions.size());
  }
}
