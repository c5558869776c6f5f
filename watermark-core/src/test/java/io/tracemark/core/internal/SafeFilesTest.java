package io.tracemark.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secret files never follow links; public outputs are replaced whole or not at all. */
class SafeFilesTest {
  static final byte[] SECRET = "the secret bytes of a key".getBytes(StandardCharsets.UTF_8);

  static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  static UserPrincipal anotherUser(Path p) throws IOException {
    return p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("54321");
  }

  static void chmod(Path p, String perms) throws IOException {
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
  }

  static void stickyAndWorldWritable(Path dir) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("chmod", "1777", dir.toString()).inheritIO().start();
    assertThat(p.waitFor()).isZero();
  }

  // ------------------------------------------------------------------ secrets

  @Test
  void aSecretIsCreatedOwnerOnlyAndNeverOverwritten(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("new/sub/key.json");
    SafeFiles.createSecret(file, SECRET);
    assertThat(Files.readAllBytes(file)).isEqualTo(SECRET);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
    assertThat(SafeFiles.ownerOnly(file)).isTrue();
    assertThatThrownBy(() -> SafeFiles.createSecret(file, "other".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining(file.toString());
    assertThat(Files.readAllBytes(file)).isEqualTo(SECRET);
  }

  @Test
  void anExistingOrDanglingLinkAtTheNameIsRefusedAndNotFollowed(@TempDir Path dir) throws IOException {
    Path decoy = Files.createFile(dir.resolve("decoy"));
    Path link = Files.createSymbolicLink(dir.resolve("key.json"), decoy);
    assertThatThrownBy(() -> SafeFiles.createSecret(link, SECRET)).isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.size(decoy)).isZero();
    Path missing = dir.resolve("not-yet-there");
    Path dangling = Files.createSymbolicLink(dir.resolve("dangling.json"), missing);
    assertThatThrownBy(() -> SafeFiles.createSecret(dangling, SECRET)).isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.exists(missing, LinkOption.NOFOLLOW_LINKS)).as("the link's target was not created").isFalse();
    assertThat(Files.isSymbolicLink(dangling)).isTrue();
  }

  @Test
  void aDirectoryOthersCanWriteIsRefusedUnlessStickyAndOwn(@TempDir Path dir) throws Exception {
    Path open = Files.createDirectory(dir.resolve("open"));
    chmod(open, "rwxrwxrwx");
    assertThatThrownBy(() -> SafeFiles.createSecret(open.resolve("key.json"), SECRET))
        .isInstanceOf(FileSystemException.class).hasMessageContaining(open.toString())
        .hasMessageContaining("writable by group or others");
    Path group = Files.createDirectory(dir.resolve("group"));
    chmod(group, "rwxrwx---");
    assertThatThrownBy(() -> SafeFiles.createSecret(group.resolve("key.json"), SECRET))
        .hasMessageContaining("writable by group or others");
    assertThat(Files.exists(open.resolve("key.json"))).isFalse();
    assertThat(Files.exists(group.resolve("key.json"))).isFalse();

    Path sticky = Files.createDirectory(dir.resolve("sticky"));
    stickyAndWorldWritable(sticky);
    SafeFiles.createSecret(sticky.resolve("key.json"), SECRET); // sticky and mine: others cannot swap it
    assertThat(Files.readAllBytes(sticky.resolve("key.json"))).isEqualTo(SECRET);
  }

  @Test
  void aStickyDirectoryOfAnotherUserIsRefused(@TempDir Path dir) throws Exception {
    assumeTrue(root(), "changing a directory's owner needs root (CI runs as root)");
    Path shared = Files.createDirectory(dir.resolve("shared"));
    stickyAndWorldWritable(shared);
    Files.setOwner(shared, anotherUser(shared));
    assertThatThrownBy(() -> SafeFiles.createSecret(shared.resolve("key.json"), SECRET))
        .isInstanceOf(FileSystemException.class).hasMessageContaining("owned by another user");
    Path theirs = Files.createDirectory(dir.resolve("theirs"));
    Files.setOwner(theirs, anotherUser(theirs));
    assertThatThrownBy(() -> SafeFiles.createSecret(theirs.resolve("key.json"), SECRET))
        .hasMessageContaining("owned by another user");
    assertThat(Files.exists(shared.resolve("key.json"))).isFalse();
  }

  @Test
  void aCreatedFileIsRemovedOnlyWhileItIsStillTheSame(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("a.json");
    SafeFiles.Created created = SafeFiles.createSecret(file, SECRET);
    Files.move(file, dir.resolve("moved-away.json"));
    Files.writeString(file, "someone else's file");
    created.remove();
    assertThat(Files.readString(file)).isEqualTo("someone else's file");
    Path other = dir.resolve("b.json");
    SafeFiles.createSecret(other, SECRET).remove();
    assertThat(Files.exists(other)).isFalse();
  }

  // ------------------------------------------------------------------ public outputs

  @Test
  void replaceSwapsTheWholeFileAndRefusesALinkAtTheName(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("out.txt");
    Files.writeString(file, "old");
    SafeFiles.replace(file, "new".getBytes(StandardCharsets.UTF_8));
    assertThat(Files.readString(file)).isEqualTo("new");
    Path victim = Files.writeString(dir.resolve("victim"), "precious");
    Path link = Files.createSymbolicLink(dir.resolve("link.txt"), victim);
    assertThatThrownBy(() -> SafeFiles.replace(link, "x".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(FileSystemException.class).hasMessageContaining("symbolic link");
    assertThat(Files.readString(victim)).isEqualTo("precious");
    assertThat(listing(dir)).containsExactlyInAnyOrder("out.txt", "victim", "link.txt");
  }

  @Test
  void aFailingWriterLeavesTheOldFileAndNamesThePath(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("model.bin");
    Files.writeString(file, "old complete content");
    assertThatThrownBy(() -> SafeFiles.replace(file, out -> {
      out.write(new byte[100_000]);
      throw new IOException("No space left on device");
    })).isInstanceOf(FileSystemException.class).hasMessage(file + ": No space left on device");
    assertThat(Files.readString(file)).isEqualTo("old complete content");
    assertThat(listing(dir)).containsExactly("model.bin");
  }

  @Test
  void theOutputDirectoryIsCheckedBeforeAnyWork(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    assertThatThrownBy(() -> SafeFiles.checkOutputDirectory(file, List.of("report.json")))
        .isInstanceOf(FileSystemException.class).hasMessage(file + ": exists and is not a directory");
    Path out = Files.createDirectory(dir.resolve("out"));
    SafeFiles.checkOutputDirectory(out, List.of("report.json"));
    SafeFiles.checkOutputDirectory(dir.resolve("not-yet"), List.of("report.json"));
    Path victim = Files.writeString(dir.resolve("victim"), "precious");
    Files.createSymbolicLink(out.resolve("report.json"), victim);
    assertThatThrownBy(() -> SafeFiles.checkOutputDirectory(out, List.of("report.json")))
        .hasMessage(out.resolve("report.json") + ": is a symbolic link; refusing to write through it or replace it");
    Files.delete(out.resolve("report.json"));
    Files.createDirectory(out.resolve("report.json"));
    assertThatThrownBy(() -> SafeFiles.checkOutputDirectory(out, List.of("report.json")))
        .hasMessageContaining("not a regular file");
  }

  @Test
  void anOutputDirectoryOfAnotherUserIsRefused(@TempDir Path dir) throws IOException {
    assumeTrue(root(), "changing a directory's owner needs root (CI runs as root)");
    Path shared = Files.createDirectory(dir.resolve("shared"));
    Files.setOwner(shared, anotherUser(shared));
    assertThatThrownBy(() -> SafeFiles.checkOutputDirectory(shared, List.of("report.json")))
        .hasMessageContaining("owned by another user");
    assertThatThrownBy(() -> SafeFiles.replace(shared.resolve("report.json"), new byte[1]))
        .hasMessageContaining("owned by another user");
  }

  static final String JSON = "report.json";
  static final String HTML = "report.html";
  static final String SIG = "report.sig";

  /**
   * A failure injected at every step of replacing a signed report (each removal, each 64 KB slice
   * written, each force and each rename) leaves complete files only: the old report.json or the
   * new one, and beside it nothing that belongs to another report.json.
   */
  @Test
  void aFailureAtAnyStepLeavesTheOldReportOrTheNewOneNeverAMix(@TempDir Path dir) throws IOException {
    byte[] newJson = content("new json ", 200_000);
    byte[] newHtml = content("new html ", 150_000);
    byte[] newSig = content("new sig ", 200);
    List<SafeFiles.Output> outputs = List.of(new SafeFiles.Output(JSON, newJson), new SafeFiles.Output(HTML, newHtml),
        new SafeFiles.Output(SIG, newSig));
    List<String> steps = new ArrayList<>();
    Path dry = Files.createDirectory(dir.resolve("dry"));
    oldReport(dry);
    SafeFiles.publish(dry, outputs, (step, name, bytes) -> steps.add(step + " " + name + " " + bytes));
    assertThat(steps).contains("remove report.html 0", "remove report.sig 0", "rename report.sig 0");
    assertThat(steps.indexOf("remove report.sig 0")).isLessThan(steps.indexOf("rename report.json 0"));
    assertThat(steps.indexOf("rename report.json 0")).isLessThan(steps.indexOf("rename report.sig 0"));
    assertThat(steps.size()).isGreaterThan(10);

    for (int k = 0; k < steps.size(); k++) {
      Path d = Files.createDirectory(dir.resolve("run" + k));
      oldReport(d);
      int failAt = k;
      int[] calls = {0};
      assertThatThrownBy(() -> SafeFiles.publish(d, outputs, (step, name, bytes) -> {
        if (calls[0]++ == failAt) {
          throw new IOException("No space left on device");
        }
      })).as("step %s", steps.get(k)).isInstanceOf(IOException.class).hasMessageContaining(d.toString());
      byte[] json = Files.readAllBytes(d.resolve(JSON));
      boolean newReport = Arrays.equals(json, newJson);
      assertThat(newReport || Arrays.equals(json, OLD_JSON)).as("report.json complete at step %s", steps.get(k))
          .isTrue();
      for (String name : List.of(HTML, SIG)) {
        Path f = d.resolve(name);
        if (Files.exists(f)) {
          // a file beside report.json belongs to that same report.json, or is gone
          byte[] expected = name.equals(HTML) ? (newReport ? newHtml : OLD_HTML) : (newReport ? newSig : OLD_SIG);
          assertThat(Files.readAllBytes(f)).as("%s beside the %s report.json at step %s", name,
              newReport ? "new" : "old", steps.get(k)).isEqualTo(expected);
        }
      }
      assertThat(listing(d)).as("no temporary file left at step %s", steps.get(k))
          .allMatch(n -> List.of(JSON, HTML, SIG).contains(n));
    }
    SafeFiles.publish(dry, List.of(new SafeFiles.Output(JSON, newJson), new SafeFiles.Output(HTML, newHtml),
        new SafeFiles.Output(SIG, null)));
    assertThat(listing(dry)).containsExactlyInAnyOrder(JSON, HTML);
  }

  static final byte[] OLD_JSON = content("old json ", 50_000);
  static final byte[] OLD_HTML = content("old html ", 40_000);
  static final byte[] OLD_SIG = content("old sig ", 200);

  static void oldReport(Path d) throws IOException {
    Files.write(d.resolve(JSON), OLD_JSON);
    Files.write(d.resolve(HTML), OLD_HTML);
    Files.write(d.resolve(SIG), OLD_SIG);
  }

  static byte[] content(String unit, int length) {
    byte[] u = unit.getBytes(StandardCharsets.US_ASCII);
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = u[i % u.length];
    }
    return b;
  }

  static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }
}
