/**
 * Watermark key files: {@link io.tracemark.core.keys.KeyFiles} writes a key owner-only and reads it
 * back with every field checked, {@link io.tracemark.api.KeyUse} records what a key was made
 * for. Messages never contain a value read from a key file.
 */
package io.tracemark.core.keys;

import io.tracemark.api.KeyUse;
