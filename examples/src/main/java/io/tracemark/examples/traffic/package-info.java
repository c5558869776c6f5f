/**
 * The traffic simulator: a deterministic, seeded simulation of an owner's API log with benign
 * users and extraction campaigns, and its ground truth in a separate file, the test bed of {@code
 * tracemark monitor}. {@link io.tracemark.examples.traffic.TrafficSimulator} writes it, {@link
 * io.tracemark.examples.traffic.TrafficConfig} and {@link io.tracemark.examples.traffic.Campaign}
 * say what to simulate, {@link io.tracemark.examples.traffic.TrafficLabels} reads the ground truth
 * back. A simulation, not a model of any real service: {@code docs/monitoring.md} says which real
 * signals it does not model.
 */
package io.tracemark.examples.traffic;
