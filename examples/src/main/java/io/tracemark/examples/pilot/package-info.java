/**
 * The pilot check of the query planner on the distillation demo: does the budget a 50-query pilot
 * predicts match the budget at which the closed-model test actually crosses α?
 */
package io.tracemark.examples.pilot;
