/**
 * Watermark keys: {@link io.tracemark.core.keys.Keys} generates keys, derives sub-keys and tenant
 * keys with HKDF-SHA256 and commits to another system's key; {@link io.tracemark.core.keys.KeyFiles}
 * writes a key owner-only and reads it back with every field checked
 * ({@link io.tracemark.core.keys.KeyFile}). Messages never contain a secret or a value read from a
 * key file. Stateless or immutable, and thread-safe.
 */
package io.tracemark.core.keys;
