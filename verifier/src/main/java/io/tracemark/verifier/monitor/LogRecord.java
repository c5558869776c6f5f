package io.tracemark.verifier.monitor;

/**
 * One request of the API log, as read. Absent optional fields are null, −1 (counts) or NaN
 * (temperature). The prompt is text or token ids: exactly one of {@code prompt} and {@code
 * promptTokens} is not null (a present text wins, as in suspect records). The token array is the
 * reader's own, not copied: a consumer that keeps it copies it.
 *
 * @param time epoch seconds
 * @param account the account
 * @param tenant the tenant, or null
 * @param ip the client address, or null
 * @param payment the payment instrument, or null
 * @param prompt the prompt text, or null when the prompt is given as token ids
 * @param promptTokens the prompt's token ids, or null when the text is given
 * @param maxTokens the requested limit, or −1
 * @param temperature the temperature, or NaN
 * @param n the answers requested (1 when absent)
 * @param responseTokens tokens answered, or −1
 */
public record LogRecord(double time, String account, String tenant, String ip, String payment, String prompt,
    int[] promptTokens, long maxTokens, double temperature, int n, long responseTokens) {}
