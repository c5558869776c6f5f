/**
 * Deterministic attacks on watermarked text for the robustness table: each attack is a small
 * immutable type with a name and its parameters, applied to a watermarked token sequence (and a
 * human one where the attack mixes text in) with the caller's seeded generator, so the same seed
 * gives the same attacked text. Token attacks work on the token ids; text attacks
 * ({@link io.tracemark.examples.attack.TextAttack}) decode, edit the characters and re-encode.
 * The emoji attack acts on generation ({@link io.tracemark.examples.attack.EmojiAttack}).
 */
package io.tracemark.examples.attack;
