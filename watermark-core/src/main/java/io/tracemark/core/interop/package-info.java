/**
 * The watermarks of other systems, reproduced bit for bit (not API: reach them through
 * {@code io.tracemark.core.Watermarks.create} with an {@code io.tracemark.api.InteropSpec}):
 * lm-watermarking and transformers green lists as PyTorch CPU {@code torch.randperm} draws
 * ({@code TorchGreenListWatermark}, one type for both, their differences in its {@code Flavor}),
 * vLLM's Gumbel-max sampling with the Philox PRF ({@code VllmGumbelWatermark}), and SynthID-Text's
 * tournament as transformers and synthid-text compute it ({@code SynthIdWatermark}). Each detector
 * reproduces its reference's counts and scores (and its p-value where it has one), next to
 * tracemark's exact p-value.
 */
package io.tracemark.core.interop;
