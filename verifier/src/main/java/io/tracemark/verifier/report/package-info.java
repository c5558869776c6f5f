/**
 * The evidence report of a verification: {@code report.json} (schema-versioned, canonical field
 * order), a self-contained {@code report.html}, and an optional detached Ed25519 signature made
 * with a {@link io.tracemark.verifier.report.SigningKey}; {@link io.tracemark.verifier.report.Numbers}
 * is the one number format of reports and command output.
 */
package io.tracemark.verifier.report;
