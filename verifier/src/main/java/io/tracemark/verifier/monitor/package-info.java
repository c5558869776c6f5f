/**
 * Usage monitoring: reads the owner's API log as a stream, keeps bounded per-account state
 * (sketches), scores accounts and clusters of linked accounts for extraction-like traffic with
 * signals calibrated against benign traffic at stated false-positive rates, and hands each flagged
 * cluster to the verifier as its tenants and a replay query list. The entry point is {@link
 * io.tracemark.verifier.monitor.Monitor}.
 */
package io.tracemark.verifier.monitor;
