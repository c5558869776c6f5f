package io.tracemark.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes the v1 golden vectors. Published vectors never change: the generator refuses to
 * overwrite an existing file; a format change gets a new directory ({@code golden/v2}).
 *
 * <pre>
 * ./mvnw -B -pl watermark-api,watermark-core -Pgolden process-test-classes
 * </pre>
 */
public final class GoldenVectorGenerator {
  private GoldenVectorGenerator() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/golden/v1");
    Files.createDirectories(dir);
    List<String> keys = new ArrayList<>();
    keys.add("name,key_id,commitment,tenant0_key_id,tenant7_key_id,prf_subkey");
    for (Map.Entry<String, io.tracemark.api.WatermarkKey> e : GoldenVectors.keys().entrySet()) {
      keys.add(GoldenVectors.keyRow(e.getKey(), e.getValue()));
    }
    write(dir.resolve("keys.csv"), keys);
    List<String> seeds = new ArrayList<>();
    seeds.add("key,seeding,h,context,token,seed");
    for (String[] in : GoldenVectors.seedInputs()) {
      seeds.add(String.join(",", in) + "," + GoldenVectors.seed(in));
    }
    write(dir.resolve("seeds.csv"), seeds);
    List<String> greens = new ArrayList<>();
    greens.add("key,spec,vocab,context,green_count,bitmap_sha256");
    for (String[] in : GoldenVectors.greenListInputs()) {
      greens.add(in[0] + ",\"" + in[1] + "\"," + in[2] + "," + in[3] + "," + GoldenVectors.greenList(in));
    }
    write(dir.resolve("greenlists.csv"), greens);
    List<String> detections = new ArrayList<>();
    detections.add("key,spec,vocab,dedup,tokens,tokens_read,tuples_scored,green,log10p,mask");
    for (String[] in : GoldenVectors.detectionInputs()) {
      detections.add(in[0] + ",\"" + in[1] + "\"," + in[2] + "," + in[3] + "," + in[4] + ","
          + GoldenVectors.detectionOutput(GoldenVectors.detect(in)));
    }
    write(dir.resolve("detections.csv"), detections);
  }

  private static void write(Path file, List<String> lines) throws IOException {
    if (Files.exists(file)) {
      throw new IllegalStateException(file + " exists: published golden vectors never change");
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
    System.out.println("wrote " + file + " (" + (lines.size() - 1) + " rows)");
  }
}
