package io.tracemark.verifier.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON output helpers for the command line. */
final class Json {
  private Json() {}

  static final ObjectMapper MAPPER = new ObjectMapper();

  static String quote(String s) {
    try {
      return MAPPER.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
