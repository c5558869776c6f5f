package io.tracemark.examples.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The ground truth of a simulation, read from its {@code labels.jsonl}: account id → label. Immutable. */
public final class TrafficLabels {
  /**
   * One account's truth.
   *
   * @param account the account id
   * @param tenant its tenant id
   * @param campaign its campaign id, null when benign
   * @param kind {@code human} or {@code batch} when benign, else the campaign's kind
   * @param requests its lines in the log
   */
  public record Label(String account, String tenant, String campaign, String kind, long requests) {
    /** Whether the account is benign. */
    public boolean benign() {
      return campaign == null;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, Label> labels;

  private TrafficLabels(Map<String, Label> labels) {
    this.labels = Collections.unmodifiableMap(labels);
  }

  /**
   * Reads {@code labels.jsonl}.
   *
   * @throws IOException when it cannot be read, or a line (named by file and number) is not a label
   */
  public static TrafficLabels read(Path file) throws IOException {
    Map<String, Label> out = new LinkedHashMap<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        try {
          JsonNode o = JSON.readTree(line);
          JsonNode campaign = o.get("campaign");
          Label l = new Label(o.get("account").asText(), o.get("tenant").asText(),
              campaign == null || campaign.isNull() ? null : campaign.asText(), o.get("kind").asText(),
              o.get("requests").asLong());
          out.put(l.account(), l);
        } catch (IOException | RuntimeException e) {
          throw new IOException(file + ":" + n + ": not a label line (account, tenant, campaign, kind, requests)",
              e);
        }
      }
    }
    return new TrafficLabels(out);
  }

  /** The labels by account id, in file order. */
  public Map<String, Label> byAccount() {
    return labels;
  }
}
