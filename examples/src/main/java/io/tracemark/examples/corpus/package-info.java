/**
 * The Brown corpus (500 samples of edited American English, detagged, a compressed resource with
 * its notice): human text written before language models, the demo model's training corpus and
 * the human-text null of the calibration tests. It lives here, not in the verifier's jar.
 */
package io.tracemark.examples.corpus;
