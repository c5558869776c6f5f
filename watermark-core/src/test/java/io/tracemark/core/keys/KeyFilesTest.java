package io.tracemark.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.api.KeyUse;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.WatermarkKey;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key files: written owner-only without following links, read back strictly, never echoed. */
class KeyFilesTest {
  static WatermarkKey fixed() {
    byte[] b = new byte[32];
    for (int i = 0; i < 32; i++) {
      b[i] = (byte) (7 * i + 3);
    }
    return WatermarkKey.fromBytes(b);
  }

  @Test
  void aKeyFileRoundTripsOwnerOnlyWithWhatTheKeyIsFor(@TempDir Path dir) throws IOException {
    WatermarkKey key = Keys.generate().withTenants(5);
    KeyUse use = new KeyUse(KgwSpec.parse("kgw:gamma=0.5,h=2"), "cl100k_base", 100_277);
    Path file = dir.resolve("sub/key.json");
    KeyFiles.write(key.withUse(use), file);
    KeyFile read = KeyFiles.readFile(file);
    assertThat(read.key()).isEqualTo(key);
    assertThat(read.key().tenants()).isEqualTo(5);
    assertThat(read.key().created()).isEqualTo(key.created());
    assertThat(read.use()).isEqualTo(use);
    assertThat(read.readableByOthers()).isFalse();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(Files.readString(file)).contains("\"scheme\": \"kgw:gamma=0.5,delta=2,h=2,seeding=left\"")
        .contains("\"vocabulary_size\": 100277");
    assertThatThrownBy(() -> KeyFiles.write(key, file)).isInstanceOf(FileAlreadyExistsException.class);

    Path any = dir.resolve("any.json");
    KeyFiles.write(key, any);
    assertThat(Files.readString(any)).contains("\"scheme\": \"any\"").contains("\"tokenizer\": \"any\"")
        .contains("\"vocabulary_size\": \"any\"");
    assertThat(KeyFiles.readFile(any).use()).isEqualTo(KeyUse.ANY);
  }

  @Test
  void aKeyFileWithoutTheNewFieldsAndTheSampleKeyReadAsMadeForAnyUse(@TempDir Path dir) throws IOException {
    KeyFile sample = KeyFiles.readFile(Path.of("../docs/sample/DEMO-KEY-public-do-not-use.json"));
    assertThat(sample.key().keyId()).isEqualTo("5eb2b72faf3bafda");
    assertThat(sample.use()).isEqualTo(KeyUse.ANY);
    Path old = dir.resolve("old.json");
    Files.writeString(old, v1(fixed(), ""));
    assertThat(KeyFiles.read(old)).isEqualTo(fixed());
  }

  @Test
  void aByteOrderMarkIsSkipped(@TempDir Path dir) throws IOException {
    Path bom = dir.resolve("bom.json");
    Files.writeString(bom, "\uFEFF" + v1(fixed(), ""), StandardCharsets.UTF_8);
    assertThat(KeyFiles.read(bom)).isEqualTo(fixed());
  }

  @Test
  void aZeroedOrWrongCommitmentOrKeyIdIsAnError(@TempDir Path dir) throws IOException {
    WatermarkKey key = fixed();
    String good = v1(key, "");
    for (String[] c : new String[][] {
        {key.commitment(), "0".repeat(64), "commitment"},
        {key.commitment(), Keys.generate().commitment(), "commitment"},
        {key.keyId(), "0".repeat(16), "key_id"},
        {key.keyId(), Keys.generate().keyId(), "key_id"}}) {
      Path f = dir.resolve("edited-" + c[2] + "-" + c[1].charAt(0) + ".json");
      Files.writeString(f, good.replace(c[0], c[1]));
      assertThatThrownBy(() -> KeyFiles.read(f)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage(f + ": field \"" + c[2] + "\" does not match the secret (file corrupted or edited)");
    }
  }

  @Test
  void malformedKeyFilesGiveClearErrors(@TempDir Path dir) throws IOException {
    String head = "{\"format\": \"tracemark-watermark-key\", \"version\": 1, ";
    Object[][] cases = {
        {"hello", "not a tracemark key file: expected '{' at offset 0"},
        {"{\"format\": \"other\", \"version\": 1}", "field \"format\" must be \"tracemark-watermark-key\""},
        {head + "\"secret\": \"" + Base64.getEncoder().encodeToString(new byte[16]) + "\"}",
            "field \"secret\" must decode to 32 bytes, was 16"},
        {head + "\"secret\": \"%%%\"}", "field \"secret\" is not valid base64"},
        {head + "\"tenants\": 2000000, \"secret\": \"" + b64(fixed()) + "\"}", "field \"tenants\" must be an integer"},
        {head + "\"vocabulary_size\": 1, \"secret\": \"" + b64(fixed()) + "\"}", "field \"vocabulary_size\""},
        {head + "\"scheme\": \"kgw:gamma=2\", \"secret\": \"" + b64(fixed()) + "\"}", "field \"scheme\""},
        {head + "\"secret\": \"a\", \"secret\": \"b\"}", "a field is given twice"},
        {"{\"format\": \"tracemark-watermark-key\", \"version\": 2}", "field \"version\" is missing or not 1"}};
    for (int i = 0; i < cases.length; i++) {
      Path f = dir.resolve("bad" + i + ".json");
      Files.writeString(f, (String) cases[i][0]);
      assertThatThrownBy(() -> KeyFiles.read(f)).as((String) cases[i][0]).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(f + ": ").hasMessageContaining((String) cases[i][1]);
    }
    Path big = dir.resolve("big.json");
    Files.write(big, new byte[KeyFiles.MAX_BYTES + 1]);
    assertThatThrownBy(() -> KeyFiles.read(big)).hasMessageContaining("larger than");
    Path notUtf8 = dir.resolve("latin1.json");
    Files.write(notUtf8, new byte[] {'{', '"', (byte) 0xE9, '"', ':', '1', '}'});
    assertThatThrownBy(() -> KeyFiles.read(notUtf8)).hasMessageContaining("not UTF-8");
    assertThatThrownBy(() -> KeyFiles.read(dir)).hasMessageContaining("not a regular file");
  }

  @Test
  void aKeyFileOthersCanReadIsReportedAsSuch(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("k.json");
    KeyFiles.write(fixed(), f);
    assertThat(KeyFiles.readFile(f).readableByOthers()).isFalse();
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
    assertThat(KeyFiles.readFile(f).readableByOthers()).isTrue();
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw----r--"));
    assertThat(KeyFiles.readFile(f).readableByOthers()).isTrue();
  }

  /**
   * Property: whatever field of a key file holds the secret (in base64, hex or decimal), and
   * wherever a valid file is cut short or has a byte changed, reading it either succeeds or fails
   * with a message that contains none of the secret's text forms.
   */
  @Test
  void noMessageAboutAMalformedKeyFileContainsTheSecret(@TempDir Path dir) throws IOException {
    WatermarkKey key = fixed();
    List<String> forbidden = forms(key.secretBytes());
    String good = v1(key, ", \"tenants\": 0, \"scheme\": \"any\", \"tokenizer\": \"any\", \"vocabulary_size\": \"any\"");
    List<String> files = new ArrayList<>();
    String[] fields = {"format", "version", "key_id", "commitment", "created", "tenants", "scheme", "tokenizer",
        "vocabulary_size"};
    for (String form : forbidden) {
      for (String field : fields) {
        files.add(good.replaceFirst("\"" + field + "\": (\"[^\"]*\"|\\d+)", "\"" + field + "\": \"" + form + "\""));
        files.add(good.replaceFirst("\"" + field + "\": (\"[^\"]*\"|\\d+)", "\"" + field + "\": " + form));
      }
      files.add(good.replace("{", "{\"" + form + "\": 1, \"" + form + "\": 2, "));
      files.add(good.replace("\"secret\"", "\"" + form + "\": 1, \"secret\"") + form);
      files.add("{\"format\": \"tracemark-watermark-key\", \"version\": \"" + form + "\"}");
    }
    for (int cut = 0; cut < good.length(); cut++) {
      files.add(good.substring(0, cut));
    }
    SplittableRandom random = new SplittableRandom(8);
    for (int i = 0; i < 2000; i++) {
      char[] c = good.toCharArray();
      c[random.nextInt(c.length)] = (char) (32 + random.nextInt(95));
      files.add(new String(c));
    }
    int errors = 0;
    for (int i = 0; i < files.size(); i++) {
      Path f = dir.resolve("k" + i + ".json");
      Files.writeString(f, files.get(i));
      try {
        KeyFiles.read(f);
      } catch (IllegalArgumentException e) {
        errors++;
        for (String s : forbidden) {
          assertThat(e.getMessage()).as("file %d", i).doesNotContainIgnoringCase(s);
        }
      }
    }
    assertThat(errors).as("most of them are errors").isGreaterThan(files.size() / 2);
  }

  /**
   * An attacker thread waits for the key file to appear and swaps a symbolic link to its own file
   * in; the secret never reaches the attacker's file (the writer never reopens the path).
   */
  @Test
  void aLinkSwappedInWhileTheKeyIsWrittenNeverReceivesTheSecret(@TempDir Path dir) throws Exception {
    int tries = 300;
    AtomicInteger swaps = new AtomicInteger();
    int leaks = 0;
    for (int i = 0; i < tries; i++) {
      Path target = dir.resolve("key-" + i + ".json");
      Path decoy = Files.createFile(dir.resolve("decoy-" + i));
      AtomicBoolean stop = new AtomicBoolean();
      Thread attacker = new Thread(() -> {
        while (!stop.get()) {
          if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            try {
              Files.delete(target);
              Files.createSymbolicLink(target, decoy);
              swaps.incrementAndGet();
            } catch (IOException e) {
              // lost the race this time
            }
            return;
          }
          Thread.onSpinWait();
        }
      });
      attacker.start();
      try {
        KeyFiles.write(Keys.generate(), target);
      } catch (IOException e) {
        // a refusal is a fine outcome; a leak is not
      }
      stop.set(true);
      attacker.join();
      if (Files.size(decoy) > 0) {
        leaks++;
      }
    }
    assertThat(swaps.get()).as("the attacker did swap links in").isPositive();
    assertThat(leaks).as("secrets written through the attacker's link").isZero();
  }

  static String b64(WatermarkKey key) {
    return Base64.getEncoder().encodeToString(key.secretBytes());
  }

  /** A version-1 key file as earlier builds wrote it, with {@code extra} fields before the secret. */
  static String v1(WatermarkKey key, String extra) {
    return "{\n  \"format\": \"tracemark-watermark-key\",\n  \"version\": 1,\n  \"key_id\": \"" + key.keyId()
        + "\",\n  \"commitment\": \"" + key.commitment() + "\",\n  \"created\": \"2026-01-01T00:00:00Z\"" + extra
        + ",\n  \"secret\": \"" + b64(key) + "\"\n}\n";
  }

  /** The secret as base64 (padded, unpadded, URL-safe), hex (both cases, and its first 12 bytes) and decimal. */
  static List<String> forms(byte[] secret) {
    String b64 = Base64.getEncoder().encodeToString(secret);
    String hex = HexFormat.of().formatHex(secret);
    return List.of(b64, b64.replace("=", ""), Base64.getUrlEncoder().withoutPadding().encodeToString(secret), hex,
        hex.toUpperCase(Locale.ROOT), hex.substring(0, 24), new BigInteger(1, secret).toString());
  }
}
