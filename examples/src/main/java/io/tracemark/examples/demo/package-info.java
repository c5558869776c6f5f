/**
 * The distillation demo: an owner's watermarked teacher, students trained on a fraction of its
 * answers, and the verifier's closed-model and reading-mode tests of each student, printed as a
 * table and written as a signed evidence report. Every run is reproducible from its seed
 * ({@link io.tracemark.examples.demo.Seeds}).
 */
package io.tracemark.examples.demo;
