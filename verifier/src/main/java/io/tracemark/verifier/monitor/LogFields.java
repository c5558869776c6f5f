package io.tracemark.verifier.monitor;

import java.util.Objects;

/**
 * The JSONL field names of the API log: one request per line.
 *
 * @param time the request time: ISO-8601 (a zone or offset, or UTC when none) or epoch seconds
 * @param account the account that sent the request (required)
 * @param tenant the API customer whose key watermarks the answers (optional)
 * @param ip the client address, an opaque string (optional)
 * @param payment the payment instrument, an opaque string (optional)
 * @param prompt the prompt text
 * @param promptTokens the prompt as token ids, read when the prompt text is absent
 * @param maxTokens the requested answer length limit (optional)
 * @param temperature the sampling temperature (optional)
 * @param n the number of answers requested (optional, default 1)
 * @param responseTokens the number of tokens answered (optional)
 */
public record LogFields(String time, String account, String tenant, String ip, String payment, String prompt,
    String promptTokens, String maxTokens, String temperature, String n, String responseTokens) {
  /** The default names: the field names, one to one. */
  public static final LogFields DEFAULT = new LogFields("time", "account", "tenant", "ip", "payment", "prompt",
      "prompt_tokens", "max_tokens", "temperature", "n", "response_tokens");

  /** Checks that every name is given. */
  public LogFields {
    Objects.requireNonNull(time, "time field");
    Objects.requireNonNull(account, "account field");
    Objects.requireNonNull(tenant, "tenant field");
    Objects.requireNonNull(ip, "ip field");
    Objects.requireNonNull(payment, "payment field");
    Objects.requireNonNull(prompt, "prompt field");
    Objects.requireNonNull(promptTokens, "prompt_tokens field");
    Objects.requireNonNull(maxTokens, "max_tokens field");
    Objects.requireNonNull(temperature, "temperature field");
    Objects.requireNonNull(n, "n field");
    Objects.requireNonNull(responseTokens, "response_tokens field");
  }

  /** The names in the order of the components. */
  String[] names() {
    return new String[] {time, account, tenant, ip, payment, prompt, promptTokens, maxTokens, temperature, n,
        responseTokens};
  }
}
