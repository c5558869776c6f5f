package io.tracemark.verifier.spark;

import java.net.URI;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * A Hadoop file system of the scheme {@code tmtest:} that serves the local file system ({@code tmtest:/tmp/x} is
 * {@code /tmp/x}): a file system that {@code java.nio} does not know, for testing what VerifyJob does with inputs on
 * HDFS, S3 or Azure. Registered with {@code fs.tmtest.impl} in the session's Hadoop configuration.
 */
public final class TmTestFileSystem extends RawLocalFileSystem {
  static final String SCHEME = "tmtest";

  @Override
  public URI getUri() {
    return URI.create(SCHEME + ":///");
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }
}
