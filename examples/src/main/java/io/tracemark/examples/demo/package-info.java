/**
 * The distillation demo, in three parts: its configuration ({@link io.tracemark.examples.demo.DemoConfig}:
 * seed, scheme, ρ values, budgets, α, output directory), the scenario
 * ({@code Scenario}: an owner's watermarked teacher, students trained on a
 * fraction ρ of its answers, and the verifier's closed-model and reading-mode checks of each student
 * through the {@link io.tracemark.verifier.Verification} façade), and the rendering of the outcome
 * ({@code DemoTable}: the table, its legend, the smallest ρ caught), with
 * the signed evidence report of one case. Every run is reproducible from its seed
 * ({@link io.tracemark.examples.demo.Seeds}) and does not depend on the number of threads.
 */
package io.tracemark.examples.demo;
