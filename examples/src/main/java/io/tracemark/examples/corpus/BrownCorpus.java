package io.tracemark.examples.corpus;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The Brown corpus (500 samples of edited American English from 1961, about 1M words), bundled
 * detagged as a resource: human text written decades before language models, so a natural null
 * corpus for calibration, and the training text of the demo language model. See
 * {@code NOTICE-brown.txt} beside the resource for its origin and licence.
 */
public final class BrownCorpus {
  private static final String RESOURCE = "brown.txt.gz";
  private static volatile List<Document> cached;

  private BrownCorpus() {}

  /**
   * One Brown sample.
   *
   * @param id the sample id, {@code ca01} … {@code cr09}
   * @param category the Brown category, e.g. {@code news}
   * @param paragraphs the paragraphs in order
   */
  public record Document(String id, String category, List<String> paragraphs) {
    /** Validates and copies. */
    public Document {
      paragraphs = List.copyOf(paragraphs);
    }

    /** The paragraphs joined by newlines. */
    public String text() {
      return String.join("\n", paragraphs);
    }
  }

  /** All 500 documents in id order (read once, then cached; the list is immutable). */
  public static List<Document> documents() {
    List<Document> docs = cached;
    if (docs == null) {
      synchronized (BrownCorpus.class) {
        docs = cached;
        if (docs == null) {
          docs = load();
          cached = docs;
        }
      }
    }
    return docs;
  }

  private static List<Document> load() {
    InputStream raw = BrownCorpus.class.getResourceAsStream(RESOURCE);
    if (raw == null) {
      throw new IllegalStateException("resource " + RESOURCE + " is missing from the classpath");
    }
    List<Document> out = new ArrayList<>(500);
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(new GZIPInputStream(raw, 1 << 16), StandardCharsets.UTF_8))) {
      String id = null;
      String category = null;
      List<String> paras = new ArrayList<>();
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("#doc ")) {
          if (id != null) {
            out.add(new Document(id, category, paras));
          }
          String[] parts = line.split(" ");
          id = parts[1];
          category = parts.length > 2 ? parts[2] : "unknown";
          paras = new ArrayList<>();
        } else if (!line.isBlank()) {
          paras.add(line);
        }
      }
      if (id != null) {
        out.add(new Document(id, category, paras));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + RESOURCE, e);
    }
    return List.copyOf(out);
  }
}
