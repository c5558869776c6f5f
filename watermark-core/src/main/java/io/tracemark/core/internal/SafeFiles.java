package io.tracemark.core.internal;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Every file tracemark writes goes through this class, so that two rules hold everywhere.
 *
 * <p><b>Secrets</b> (watermark key files, signing keys) are created by {@link #createSecret} in
 * one open call that creates the file owner-only ({@code rw-------}) and never follows a symbolic
 * link ({@code CREATE_NEW} and {@code NOFOLLOW_LINKS}); the bytes go through that one channel,
 * are forced to disk, and the file is never reopened by its path. The directory must be owned by
 * the current user and must not be writable by group or others, unless it is sticky (as
 * {@code /tmp} is) and owned by the current user; otherwise another user could swap the file
 * for a link, or read it. A symbolic link in the directory's own path is followed once, and the
 * directory it leads to is the one checked and written (through an open handle on it where the
 * platform offers one, so it cannot be swapped between the check and the write); the file's own
 * name is never followed.
 *
 * <p><b>Public outputs</b> (reports, corpora, models) are written by {@link #replace} or
 * {@link #publish}: to a new temporary file in the same directory, forced to disk, then renamed
 * over the final name in one atomic step, so that a crash, a kill or a full disk leaves the
 * previous complete file or the new complete file under the final name, never a truncated one.
 * An output directory owned by another user, and an output name that is a symbolic link, are
 * refused ({@link #checkOutputDirectory}); renaming replaces a link rather than writing through it.
 *
 * <p>On a failure the class removes only files it created itself (it checks the file is still the
 * one it created before removing it), and the error names the path. Stateless and thread-safe. Not
 * API: the one owner-only and atomic file writer of tracemark's modules, which may change.
 */
public final class SafeFiles {
  private SafeFiles() {}

  private static final Set<PosixFilePermission> OWNER_READ_WRITE =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = EnumSet.of(PosixFilePermission.OWNER_READ,
      PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
  private static final int STICKY = 01000;
  /** Create a new file, write only, never through a link. */
  private static final Set<OpenOption> CREATE_NEW =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Writes the content of a file to a stream (which it must not close). */
  @FunctionalInterface
  public interface Content {
    /** Writes everything to {@code out}. */
    void writeTo(OutputStream out) throws IOException;
  }

  /** One file of a set written by {@link #publish}: its name in the directory and its bytes (null: remove it). */
  public record Output(String name, byte[] content) {
    /** Checks the name is one plain file name. */
    public Output {
      Objects.requireNonNull(name, "name");
      if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
        throw new IllegalArgumentException("output name must be a plain file name");
      }
    }
  }

  /**
   * A file created by this class; {@link #remove} deletes it only while it is still that file
   * (same file key). In a directory that {@link #createSecret} accepts, nobody else can delete
   * the file and put another in its place, whose file key could be the reused one.
   */
  public static final class Created {
    private final Path path;
    private final Object fileKey;

    Created(Path path, Object fileKey) {
      this.path = path;
      this.fileKey = fileKey;
    }

    /** The file's path. */
    public Path path() {
      return path;
    }

    /** Deletes the file if it is still the one created (same file key), never a file put in its place. */
    public void remove() {
      removeIfSame(path, fileKey);
    }
  }

  // ------------------------------------------------------------------ secrets

  /**
   * Creates {@code path} as a new owner-only file holding {@code content}, forced to disk. The
   * parent directory is created (owner-only) when missing.
   *
   * @throws FileAlreadyExistsException when anything, a symbolic link included, has that name
   * @throws FileSystemException naming the directory when it is not safe for a secret (see the
   *     class description)
   */
  public static Created createSecret(Path path, byte[] content) throws IOException {
    return create(path, content, true);
  }

  /**
   * Creates {@code path} as a new file holding {@code content} (public: the default permissions),
   * forced to disk; never replaces anything and never follows a link.
   *
   * @throws FileAlreadyExistsException when anything has that name
   */
  public static Created createPublic(Path path, byte[] content) throws IOException {
    return create(path, content, false);
  }

  private static Created create(Path path, byte[] content, boolean secret) throws IOException {
    Objects.requireNonNull(content, "content");
    Target t = target(path);
    createDirectories(t.dir, secret);
    try (Dir dir = Dir.open(t.dir)) {
      if (secret) {
        dir.checkForSecret();
      } else {
        dir.checkForOutput();
      }
      SeekableByteChannel channel;
      try {
        channel = dir.newChannel(t.name, CREATE_NEW, secret);
      } catch (FileAlreadyExistsException e) {
        throw new FileAlreadyExistsException(t.path.toString());
      }
      Object fileKey = null;
      try {
        fileKey = dir.fileKey(t.name);
        writeAll(channel, content);
        force(channel);
        channel.close();
        dir.sync();
        return new Created(t.path, fileKey);
      } catch (IOException | RuntimeException | Error e) {
        // removed while still open, so that its file key cannot have been reused by another file
        if (fileKey != null) {
          dir.deleteIfSame(t.name, fileKey);
        }
        closeQuietly(channel);
        throw named(t.path, e);
      }
    }
  }

  // ------------------------------------------------------------------ public outputs

  /**
   * Replaces {@code path} with {@code content} atomically: a temporary file in the same
   * directory, forced to disk, renamed over the final name. The directory is created when
   * missing and checked as by {@link #checkOutputDirectory}.
   */
  public static void replace(Path path, byte[] content) throws IOException {
    Objects.requireNonNull(content, "content");
    replace(path, out -> out.write(content));
  }

  /** As {@link #replace(Path, byte[])}, with the content streamed by {@code content}. */
  public static void replace(Path path, Content content) throws IOException {
    Target t = target(path);
    publish(t.dir, List.of(t.name), List.of(content), Faults.NONE);
  }

  /**
   * Writes a set of files that belong together into {@code dir}, in order, each later file
   * depending on the earlier ones (a report, its rendering, its signature). First every file
   * but the first is removed, so that no later file is ever left beside a new earlier one; then
   * each file with content is written as by {@link #replace}; an output whose content is null
   * stays removed. After a crash at any moment the directory holds the old first file alone or
   * with its old followers removed, or a prefix of the new files: never a new file beside an old
   * one that depends on it, and never a truncated file.
   */
  public static void publish(Path dir, List<Output> outputs) throws IOException {
    publish(dir, outputs, Faults.NONE);
  }

  static void publish(Path dir, List<Output> outputs, Faults faults) throws IOException {
    List<String> names = new ArrayList<>();
    List<Content> contents = new ArrayList<>();
    for (Output o : outputs) {
      names.add(o.name());
      byte[] bytes = o.content();
      contents.add(bytes == null ? null : out -> out.write(bytes));
    }
    publish(dir, names, contents, faults);
  }

  private static void publish(Path dir, List<String> names, List<Content> contents, Faults faults)
      throws IOException {
    if (names.isEmpty()) {
      return;
    }
    createDirectories(dir, false);
    try (Dir d = Dir.open(dir)) {
      d.checkForOutput();
      for (String name : names) {
        d.refuseLinkOrSpecial(name);
      }
      for (int i = 1; i < names.size(); i++) {
        try {
          faults.at("remove", names.get(i), 0);
          d.delete(names.get(i));
        } catch (IOException e) {
          throw named(dir.resolve(names.get(i)), e);
        }
      }
      for (int i = 0; i < names.size(); i++) {
        if (contents.get(i) != null) {
          writeAtomically(d, names.get(i), contents.get(i), faults);
        } else if (i == 0) {
          try {
            d.delete(names.get(0));
          } catch (IOException e) {
            throw named(dir.resolve(names.get(0)), e);
          }
        }
      }
    }
  }

  private static void writeAtomically(Dir d, String name, Content content, Faults faults) throws IOException {
    Path target = d.path.resolve(name);
    String tmp = "." + name + "." + HexFormat.of().formatHex(randomBytes(6)) + ".tmp";
    SeekableByteChannel channel = d.newChannel(tmp, CREATE_NEW, false);
    Object key = null;
    boolean renamed = false;
    try {
      key = d.fileKey(tmp);
      try (OutputStream out = new CountingStream(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16), name, faults)) {
        content.writeTo(out);
      }
      faults.at("force", name, 0);
      force(channel);
      channel.close();
      faults.at("rename", name, 0);
      d.rename(tmp, name);
      renamed = true;
      d.sync();
    } catch (IOException | RuntimeException | Error e) {
      if (!renamed && key != null) {
        d.deleteIfSame(tmp, key);
      }
      closeQuietly(channel);
      throw named(target, e);
    }
  }

  /**
   * Checks, before any work is done, that {@code dir} can receive the outputs {@code names}: it
   * is a directory (or does not exist yet), owned by the current user, and none of the names is
   * a symbolic link or anything but a regular file.
   *
   * @throws FileSystemException naming the path and the problem
   */
  public static void checkOutputDirectory(Path dir, Collection<String> names) throws IOException {
    if (!Files.exists(dir)) {
      if (Files.isSymbolicLink(dir)) {
        throw new FileSystemException(dir.toString(), null, "is a symbolic link to nothing; refusing to write through it");
      }
      return;
    }
    if (!Files.isDirectory(dir)) {
      throw new FileSystemException(dir.toString(), null, "exists and is not a directory");
    }
    try (Dir d = Dir.open(dir)) {
      d.checkForOutput();
      for (String name : names) {
        d.refuseLinkOrSpecial(name);
      }
    }
  }

  /**
   * Checks, before any work is done, a directory for scratch files (spilled tapes): created
   * owner-only when missing; not a symbolic link; a directory; owned by the current user, or by
   * root with the sticky bit (like {@code /tmp}); not writable by others unless sticky; writable.
   *
   * @throws FileSystemException whose {@linkplain FileSystemException#getReason() reason} says
   *     what is wrong, in words that follow the directory's name
   */
  public static void checkWorkDirectory(Path dir) throws FileSystemException {
    if (Files.isSymbolicLink(dir)) {
      throw refused(dir, "is a symbolic link; give the directory it points to, if it is yours");
    }
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      try {
        createDirectories(dir, true);
      } catch (IOException e) {
        throw refused(dir, "cannot be created: " + reason(e));
      }
    }
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw refused(dir, "cannot be read: " + reason(e));
    }
    if (a.isSymbolicLink()) {
      throw refused(dir, "is a symbolic link; give the directory it points to, if it is yours");
    }
    if (!a.isDirectory()) {
      throw refused(dir, "is not a directory");
    }
    boolean posix;
    try {
      posix = posix(dir);
    } catch (IOException e) {
      throw refused(dir, "cannot be read: " + reason(e));
    }
    if (posix) {
      try {
        PosixFileAttributes p = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> perms = p.permissions();
        int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        boolean sticky = (mode & STICKY) != 0;
        Integer me = currentUid();
        if (me != null && owner != me && !(owner == 0 && sticky)) {
          throw refused(dir, String.format(java.util.Locale.ROOT, "is owned by another user (uid %d, not %d); give a "
              + "directory of your own", owner, me));
        }
        if (!sticky && (perms.contains(PosixFilePermission.GROUP_WRITE)
            || perms.contains(PosixFilePermission.OTHERS_WRITE))) {
          throw refused(dir, "is writable by other users and not sticky (mode " + PosixFilePermissions.toString(perms)
              + "); give a directory only you can write");
        }
      } catch (FileSystemException e) {
        throw e;
      } catch (IOException | UnsupportedOperationException | ClassCastException e) {
        throw refused(dir, "cannot check its owner and permissions: " + reason(e));
      }
    }
    if (!Files.isWritable(dir)) {
      throw refused(dir, "is not writable");
    }
  }

  /** The effective user id of this process (the owner of {@code /proc/self}), or null off Linux. */
  private static Integer currentUid() {
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      return uid instanceof Integer ? (Integer) uid : null;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return null;
    }
  }

  private static FileSystemException refused(Path dir, String reason) {
    return new FileSystemException(dir.toString(), null, reason);
  }

  private static String reason(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replace('\n', ' ');
  }

  /** Whether {@code file} can be read by its group or by others (false where permissions are not POSIX). */
  public static boolean readableByOthers(Path file) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view == null) {
      return false;
    }
    Set<PosixFilePermission> p = view.readAttributes().permissions();
    return p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ);
  }

  /**
   * Whether {@code file} is a regular file (not a link) that only its owner may read or write:
   * POSIX permissions without any group or other bit, owned by the current user. False where
   * permissions are not POSIX, since it cannot be known there.
   */
  public static boolean ownerOnly(Path file) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class,
        LinkOption.NOFOLLOW_LINKS);
    if (view == null) {
      return false;
    }
    PosixFileAttributes a = view.readAttributes();
    return a.isRegularFile() && CurrentUser.USER != null && CurrentUser.USER.equals(a.owner())
        && OWNER_READ_WRITE.containsAll(a.permissions());
  }

  // ------------------------------------------------------------------ internals

  /** A path split into its absolute directory and its file name. */
  private record Target(Path path, Path dir, String name) {}

  private static Target target(Path path) {
    Objects.requireNonNull(path, "path");
    Path abs = path.toAbsolutePath();
    Path name = abs.getFileName();
    Path dir = abs.getParent();
    if (name == null || dir == null || name.toString().equals("..") || name.toString().equals(".")) {
      throw new IllegalArgumentException(path + ": not a file name");
    }
    return new Target(path, dir, name.toString());
  }

  private static void createDirectories(Path dir, boolean ownerOnly) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (ownerOnly && posix(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
    } else {
      Files.createDirectories(dir);
    }
  }

  private static boolean posix(Path dir) throws IOException {
    Path existing = dir;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    return existing != null && Files.getFileStore(existing).supportsFileAttributeView("posix");
  }

  private static void writeAll(SeekableByteChannel channel, byte[] content) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(content);
    while (b.hasRemaining()) {
      channel.write(b);
    }
  }

  private static void force(SeekableByteChannel channel) throws IOException {
    if (channel instanceof FileChannel) {
      ((FileChannel) channel).force(true);
    }
  }

  private static void closeQuietly(SeekableByteChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // the original failure is the one to report
    }
  }

  /** The failure with the path in its message (a full disk says which file it was writing). */
  private static IOException named(Path path, Throwable e) {
    if (e instanceof Error) {
      throw (Error) e;
    }
    if (e instanceof RuntimeException) {
      throw (RuntimeException) e;
    }
    if (e instanceof FileSystemException && ((FileSystemException) e).getFile() != null) {
      return (IOException) e;
    }
    String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    FileSystemException named = new FileSystemException(path.toString(), null, reason);
    named.initCause(e);
    return named;
  }

  private static void removeIfSame(Path path, Object fileKey) {
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (fileKey != null && fileKey.equals(a.fileKey())) {
        Files.delete(path);
      }
    } catch (IOException ignored) {
      // gone already, or not ours: nothing to remove
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /** The current user: the principal of {@code user.name}, else the owner of a new temporary file. */
  private static final class CurrentUser {
    private CurrentUser() {}

    static final UserPrincipal USER = find();

    private static UserPrincipal find() {
      try {
        return java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService()
            .lookupPrincipalByName(System.getProperty("user.name"));
      } catch (IOException | UnsupportedOperationException e) {
        try {
          Path probe = Files.createTempFile("tracemark-owner", ".tmp");
          try {
            return Files.getOwner(probe);
          } finally {
            Files.deleteIfExists(probe);
          }
        } catch (IOException | UnsupportedOperationException e2) {
          return null;
        }
      }
    }
  }

  /**
   * An open directory: through a {@link SecureDirectoryStream} where the platform has one (every
   * operation is then relative to the directory that was checked), else by path.
   */
  private static final class Dir implements AutoCloseable {
    final Path path;
    private final DirectoryStream<Path> stream;
    private final SecureDirectoryStream<Path> secure;

    private Dir(Path path, DirectoryStream<Path> stream) {
      this.path = path;
      this.stream = stream;
      this.secure = stream instanceof SecureDirectoryStream ? (SecureDirectoryStream<Path>) stream : null;
    }

    static Dir open(Path path) throws IOException {
      return new Dir(path, Files.newDirectoryStream(path));
    }

    private Path name(String name) {
      return path.getFileSystem().getPath(name);
    }

    /** POSIX attributes of the directory itself, or null where there are none. */
    private PosixFileAttributes attributes() throws IOException {
      if (secure != null) {
        PosixFileAttributeView v = secure.getFileAttributeView(PosixFileAttributeView.class);
        if (v != null) {
          return v.readAttributes();
        }
      }
      PosixFileAttributeView v = Files.getFileAttributeView(path, PosixFileAttributeView.class);
      return v == null ? null : v.readAttributes();
    }

    /** Whether the sticky bit is set on the directory (false when it cannot be known). */
    private boolean sticky(PosixFileAttributes attrs) {
      try {
        Map<String, Object> m = Files.readAttributes(path, "unix:mode,fileKey");
        // the same directory as the one opened, else the answer is about another one
        return attrs.fileKey() != null && attrs.fileKey().equals(m.get("fileKey"))
            && (((Integer) m.get("mode")) & STICKY) != 0;
      } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
        return false;
      }
    }

    private static boolean writableByOthers(PosixFileAttributes attrs) {
      Set<PosixFilePermission> p = attrs.permissions();
      return p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE);
    }

    private boolean ownedByCurrentUser(PosixFileAttributes attrs) {
      UserPrincipal me = CurrentUser.USER;
      return me != null && me.equals(attrs.owner());
    }

    void checkForSecret() throws IOException {
      PosixFileAttributes attrs = attributes();
      if (attrs == null) {
        return; // no POSIX permissions to check (the file system decides who may read)
      }
      boolean mine = ownedByCurrentUser(attrs);
      if (!mine) {
        throw new FileSystemException(path.toString(), null, "directory is owned by another user ("
            + attrs.owner().getName() + "); refusing to create a secret file in it");
      }
      if (writableByOthers(attrs) && !sticky(attrs)) {
        throw new FileSystemException(path.toString(), null, "directory is writable by group or others ("
            + PosixFilePermissions.toString(attrs.permissions()) + ") and not sticky; another user could swap the "
            + "key file for a link: refusing to create a secret file in it (use a directory only you can write)");
      }
    }

    void checkForOutput() throws IOException {
      PosixFileAttributes attrs = attributes();
      if (attrs != null && !ownedByCurrentUser(attrs)) {
        throw new FileSystemException(path.toString(), null, "output directory is owned by another user ("
            + attrs.owner().getName() + "); refusing to write into it");
      }
    }

    void refuseLinkOrSpecial(String name) throws IOException {
      BasicFileAttributes a;
      try {
        a = basic(name);
      } catch (NoSuchFileException e) {
        return;
      }
      if (a.isSymbolicLink()) {
        throw new FileSystemException(path.resolve(name).toString(), null,
            "is a symbolic link; refusing to write through it or replace it");
      }
      if (!a.isRegularFile()) {
        throw new FileSystemException(path.resolve(name).toString(), null, "exists and is not a regular file");
      }
    }

    private BasicFileAttributes basic(String name) throws IOException {
      if (secure != null) {
        return secure.getFileAttributeView(name(name), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .readAttributes();
      }
      return Files.readAttributes(path.resolve(name), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    SeekableByteChannel newChannel(String name, Set<OpenOption> options, boolean ownerOnly) throws IOException {
      FileAttribute<?>[] attrs = ownerOnly && attributes() != null
          ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE)}
          : new FileAttribute<?>[0];
      if (secure != null) {
        return secure.newByteChannel(name(name), options, attrs);
      }
      return Files.newByteChannel(path.resolve(name), options, attrs);
    }

    Object fileKey(String name) throws IOException {
      return basic(name).fileKey();
    }

    void deleteIfSame(String name, Object fileKey) {
      try {
        if (fileKey != null && fileKey.equals(basic(name).fileKey())) {
          delete(name);
        }
      } catch (IOException ignored) {
        // gone already, or not ours: nothing to remove
      }
    }

    void delete(String name) throws IOException {
      try {
        if (secure != null) {
          secure.deleteFile(name(name));
        } else {
          Files.delete(path.resolve(name));
        }
      } catch (NoSuchFileException e) {
        // already absent
      }
    }

    void rename(String from, String to) throws IOException {
      if (secure != null) {
        secure.move(name(from), secure, name(to));
      } else {
        Files.move(path.resolve(from), path.resolve(to), StandardCopyOption.ATOMIC_MOVE);
      }
    }

    /** Forces the directory entry changes to disk where the platform allows it. */
    void sync() {
      try (FileChannel c = FileChannel.open(path, StandardOpenOption.READ)) {
        c.force(true);
      } catch (IOException | UnsupportedOperationException ignored) {
        // not every platform can sync a directory; the file itself was forced
      }
    }

    @Override
    public void close() throws IOException {
      stream.close();
    }
  }

  /** Fault injection for tests: called before each step; a test's implementation throws. */
  interface Faults {
    Faults NONE = (step, name, bytes) -> {};

    void at(String step, String name, long bytesWritten) throws IOException;
  }

  /** Counts bytes for {@link Faults}; closing it does not close the channel early for the caller's writer. */
  private static final class CountingStream extends FilterOutputStream {
    private final String name;
    private final Faults faults;
    private long count;
    private boolean closed;

    CountingStream(OutputStream out, String name, Faults faults) {
      super(out);
      this.name = name;
      this.faults = faults;
    }

    @Override
    public void write(int b) throws IOException {
      faults.at("write", name, count + 1);
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      // in slices, so that a fault can strike in the middle of a large write
      int done = 0;
      while (done < len) {
        int n = Math.min(len - done, 1 << 16);
        faults.at("write", name, count + n);
        out.write(b, off + done, n);
        count += n;
        done += n;
      }
    }

    @Override
    public void close() throws IOException {
      if (!closed) {
        closed = true;
        out.flush();
      }
    }
  }
}
