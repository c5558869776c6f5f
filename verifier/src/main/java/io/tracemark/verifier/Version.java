package io.tracemark.verifier;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The tool version, from the project version at build time (no build timestamp). */
public final class Version {
  private Version() {}

  /** The version string, e.g. {@code 0.1.0-SNAPSHOT}; {@code unknown} when not built by Maven. */
  public static final String TOOL = load();

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
