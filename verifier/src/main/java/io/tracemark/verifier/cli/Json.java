package io.tracemark.verifier.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON output of the command line: every {@code --json} output is one object on one line whose
 * first field is {@code schema_version} ({@value #SCHEMA_VERSION}); a change of a field's meaning
 * gets a new version, new fields do not. Numbers are plain JSON numbers, never formatted text.
 */
final class Json {
  private Json() {}

  /** The version of the command line's JSON outputs. */
  static final int SCHEMA_VERSION = 1;

  static final ObjectMapper MAPPER = new ObjectMapper();

  /** A new output object that starts with {@code schema_version}. */
  static ObjectNode object() {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("schema_version", SCHEMA_VERSION);
    return n;
  }

  /** The object as one line of JSON. */
  static String line(ObjectNode n) {
    try {
      return MAPPER.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String quote(String s) {
    try {
      return MAPPER.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
