/**
 * Query planning and pre-registration for the inheritance test: the query list for a suspect
 * (replay of one tenant's prompts, or prompts ranked by the frequent watermarked windows of their
 * logged answers), the budget a pilot predicts (exact binomial power), and the plan file whose
 * SHA-256 a later {@code verify --plan} checks the analysis against and records in its report.
 */
package io.tracemark.verifier.plan;
