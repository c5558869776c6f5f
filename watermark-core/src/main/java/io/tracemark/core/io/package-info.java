/**
 * How tracemark writes files: secrets created owner-only in one step that never follows a link,
 * public outputs replaced atomically (temporary file, forced, renamed), output directories checked
 * before any work ({@link io.tracemark.core.io.SafeFiles}).
 */
package io.tracemark.core.io;
