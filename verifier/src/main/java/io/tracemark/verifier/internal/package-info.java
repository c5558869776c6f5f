/**
 * Helpers of the verifier that are not its API: {@link io.tracemark.verifier.internal.TaskGroup},
 * the one way the verifier runs tasks on threads (its own or a caller's executor) and stops and
 * awaits them however a run ends. Anything here may change without notice; the module does not
 * export this package.
 */
package io.tracemark.verifier.internal;
