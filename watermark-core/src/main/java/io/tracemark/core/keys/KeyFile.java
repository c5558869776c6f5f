package io.tracemark.core.keys;

import io.tracemark.api.KeyUse;
import io.tracemark.api.WatermarkKey;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A key file as read by {@link KeyFiles#readFile}: the key (with what the file records about it),
 * and whether the file's permissions let its group or others read it. Immutable;
 * {@link #toString()} never shows the secret.
 *
 * @param path the file
 * @param key the key, with its creation time, tenant count and use as the file records them
 * @param readableByOthers whether the file's group or others may read it (a secret should not be)
 */
public record KeyFile(Path path, WatermarkKey key, boolean readableByOthers) {
  /** Checks the fields are present. */
  public KeyFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(key, "key");
  }

  /** What the key was made for ({@link KeyUse#ANY} when the file records nothing). */
  public KeyUse use() {
    return key.use();
  }
}
