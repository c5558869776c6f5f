package io.tracemark.core.interop;

import io.tracemark.api.SchemeSpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The immutable specification of an interoperability profile: its family ({@code lmw}, {@code hf},
 * {@code vllm}) and every parameter, the integer key included, in a fixed order.
 *
 * <p>The key of those systems is part of their specification, so {@link #canonical()} contains
 * it; {@link #redacted()} is the form to print in reports and logs, and {@link #toString()}
 * returns it too.
 */
public final class InteropSpec implements SchemeSpec {
  private final String family;
  private final Map<String, String> parameters;
  private final String keyParameter;

  InteropSpec(String family, Map<String, String> parameters, String keyParameter) {
    this.family = family;
    this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    this.keyParameter = keyParameter;
  }

  @Override
  public String family() {
    return family;
  }

  /** Every parameter in canonical order (unmodifiable); includes the key. */
  public Map<String, String> parameters() {
    return parameters;
  }

  /** The name of the parameter that holds the key ({@code hash-key} or {@code key}). */
  public String keyParameter() {
    return keyParameter;
  }

  /** The text form with every parameter, the key included; {@link InteropProfiles#parse} reads it back. */
  @Override
  public String canonical() {
    return render(false);
  }

  /** The text form with the key replaced by {@code ***}. */
  public String redacted() {
    return render(true);
  }

  private String render(boolean redact) {
    StringBuilder b = new StringBuilder(family).append(':');
    boolean first = true;
    for (Map.Entry<String, String> e : parameters.entrySet()) {
      if (!first) {
        b.append(',');
      }
      first = false;
      b.append(e.getKey()).append('=');
      b.append(redact && e.getKey().equals(keyParameter) ? "***" : e.getValue());
    }
    return b.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InteropSpec && canonical().equals(((InteropSpec) o).canonical());
  }

  @Override
  public int hashCode() {
    return Objects.hash(canonical());
  }

  /** The redacted form. */
  @Override
  public String toString() {
    return redacted();
  }
}
