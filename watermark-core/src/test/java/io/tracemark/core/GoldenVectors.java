package io.tracemark.core;

import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.keys.Keys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The inputs and the computation of the v1 golden vectors, shared by the generator
 * ({@link GoldenVectorGenerator}) and the tests that read the committed files
 * ({@link GoldenVectorTest}). Each row is computed from its inputs alone.
 */
final class GoldenVectors {
  private GoldenVectors() {}

  /** The fixed public test keys (never use them for anything real). */
  static Map<String, WatermarkKey> keys() {
    Map<String, WatermarkKey> keys = new LinkedHashMap<>();
    byte[] counting = new byte[32];
    byte[] ones = new byte[32];
    for (int i = 0; i < 32; i++) {
      counting[i] = (byte) i;
      ones[i] = (byte) 0xff;
    }
    keys.put("counting", WatermarkKey.fromBytes(counting));
    keys.put("ones", WatermarkKey.fromBytes(ones));
    keys.put("sha256", WatermarkKey.fromBytes(sha256("tracemark golden key 3".getBytes(StandardCharsets.US_ASCII))));
    return keys;
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hex(long v) {
    return String.format(Locale.ROOT, "%016x", v);
  }

  static String join(int[] tokens) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < tokens.length; i++) {
      b.append(i == 0 ? "" : " ").append(tokens[i]);
    }
    return b.toString();
  }

  static int[] split(String s) {
    if (s.isBlank()) {
      return new int[0];
    }
    String[] parts = s.trim().split(" ");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Integer.parseInt(parts[i]);
    }
    return out;
  }

  /** keys.csv: name,key_id,commitment,tenant0_key_id,tenant7_key_id,prf_subkey. */
  static String keyRow(String name, WatermarkKey key) {
    return String.join(",", name, key.keyId(), key.commitment(), Keys.tenant(key, 0).keyId(), Keys.tenant(key, 7).keyId(),
        HexFormat.of().formatHex(Keys.derive(key, PrfV1.PURPOSE, 32)));
  }

  /** The seed inputs: (key, seeding, h, context[, token]). */
  static List<String[]> seedInputs() {
    List<String[]> rows = new ArrayList<>();
    for (String key : keys().keySet()) {
      rows.add(new String[] {key, "left", "1", "0", ""});
      rows.add(new String[] {key, "left", "1", "50256", ""});
      rows.add(new String[] {key, "left", "2", "464 2068", ""});
      rows.add(new String[] {key, "left", "3", "1 2 3", ""});
      rows.add(new String[] {key, "left", "4", "15339 1917 2746 198", ""});
      rows.add(new String[] {key, "left", "0", "", ""});
      rows.add(new String[] {key, "self", "1", "42", "7"});
      rows.add(new String[] {key, "self", "4", "15339 1917 2746 198", "100255"});
    }
    return rows;
  }

  /** The seed of one input row, as 16 hex digits. */
  static String seed(String[] in) {
    PrfV1 prf = new PrfV1(keys().get(in[0]));
    int h = Integer.parseInt(in[2]);
    int[] ctx = split(in[3]);
    if (in[1].equals("left")) {
      return hex(prf.seedLeft(PrfV1.header('L', h), ctx, 0, h));
    }
    return hex(prf.seedSelf(PrfV1.header('S', h), prf.minTag(ctx, 0, h), Integer.parseInt(in[4])));
  }

  /** Green-list inputs: (key, spec, vocab, context). */
  static List<String[]> greenListInputs() {
    List<String[]> rows = new ArrayList<>();
    String[] specs = {"kgw:gamma=0.25,delta=2,h=1", "kgw:gamma=0.5,delta=2,h=1", "kgw:gamma=0.1,delta=1,h=4",
        "kgw:gamma=0.25,delta=2,h=0", "kgw:gamma=0.75,delta=2,h=2"};
    for (String key : keys().keySet()) {
      for (String spec : specs) {
        int h = KgwSpec.parse(spec).contextWidth();
        String ctx = h == 0 ? "" : join(java.util.Arrays.copyOf(new int[] {15339, 1917, 2746, 198}, h));
        rows.add(new String[] {key, spec, "50257", ctx});
        rows.add(new String[] {key, spec, "128256", ctx});
      }
      rows.add(new String[] {key, "kgw:gamma=0.25,delta=2,h=1", "32000", "31999"});
    }
    return rows;
  }

  /** green count and SHA-256 of the membership bitmap (bit t of byte t/8, LSB first). */
  static String greenList(String[] in) {
    KgwSpec spec = KgwSpec.parse(in[1]);
    int vocab = Integer.parseInt(in[2]);
    KgwWatermark wm = new KgwWatermark(keys().get(in[0]), spec, vocab);
    int[] ctx = split(in[3]);
    float[] logits = new float[vocab];
    wm.apply(ctx, ctx.length, logits);
    byte[] bitmap = new byte[(vocab + 7) / 8];
    int count = 0;
    for (int t = 0; t < vocab; t++) {
      if (logits[t] != 0f) {
        bitmap[t >>> 3] |= (byte) (1 << (t & 7));
        count++;
      }
    }
    return count + "," + HexFormat.of().formatHex(sha256(bitmap));
  }

  /** Detection inputs: (key, spec, vocab, dedup, tokens). */
  static List<String[]> detectionInputs() {
    List<String[]> rows = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(20261128);
    String[] specs = {"kgw:gamma=0.25,delta=2,h=1", "kgw:gamma=0.5,delta=2,h=4", "kgw:gamma=0.25,delta=2,h=0",
        "kgw:gamma=0.25,delta=2,h=2,seeding=self,candidates=40"};
    for (String key : keys().keySet()) {
      for (String spec : specs) {
        for (DedupMode mode : DedupMode.values()) {
          int n = 40 + r.nextInt(60);
          int[] tokens = new int[n];
          for (int i = 0; i < n; i++) {
            tokens[i] = r.nextInt(30); // small alphabet so that dedup matters
          }
          rows.add(new String[] {key, spec, "1000", mode.label(), join(tokens)});
        }
      }
    }
    // watermarked sequences: generated greedily from a fixed pseudo-random logit table
    for (String key : keys().keySet()) {
      KgwWatermark wm = new KgwWatermark(keys().get(key), KgwSpec.parse(specs[0]), 1000);
      int[] tokens = new int[120];
      tokens[0] = 7;
      for (int n = 1; n < tokens.length; n++) {
        float[] logits = new float[1000];
        for (int t = 0; t < 1000; t++) {
          logits[t] = (float) r.nextGaussian();
        }
        wm.apply(tokens, n, logits);
        tokens[n] = io.tracemark.core.sampling.Samplers.greedy().sample(logits);
      }
      rows.add(new String[] {key, specs[0], "1000", "window+token", join(tokens)});
    }
    return rows;
  }

  /** tokens_read,tuples_scored,green,log10p,mask. */
  static Detection detect(String[] in) {
    KgwWatermark wm = new KgwWatermark(keys().get(in[0]), KgwSpec.parse(in[1]),
        Integer.parseInt(in[2]));
    return wm.detector(DedupMode.parse(in[3])).detect(split(in[4]));
  }

  static String detectionOutput(Detection r) {
    return r.tokensRead() + "," + r.tuplesScored() + "," + r.green() + ","
        + String.format(Locale.ROOT, "%.17g", r.log10PValue()) + "," + r.mask();
  }
}
