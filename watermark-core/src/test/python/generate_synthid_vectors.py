#!/usr/bin/env python3
"""Generates the SynthID-Text golden vectors (synthid-*.csv) under src/test/resources/interop/ from the REAL reference
code: Hugging Face transformers' SynthIDTextWatermarkLogitsProcessor / SynthIDTextWatermarkDetector and Google
DeepMind's synthid-text, before and after its June 2025 change of g-values.

The reference code is not part of tracemark and is never committed; give its location at run time:

  --hf DIR              a checkout of huggingface/transformers (or a directory holding
                        src/transformers/generation/logits_process.py and watermarking.py). Only these classes are
                        taken from them, by name, with the standard library's ast module: TemperatureLogitsWarper,
                        TopKLogitsWarper, SynthIDTextWatermarkState, SynthIDTextWatermarkLogitsProcessor
                        (logits_process.py) and SynthIDTextWatermarkDetector (watermarking.py).
  --deepmind-table DIR  a checkout of google-deepmind/synthid-text at a commit before 32197c3 ("Remove hash table
                        lookup", 2025-06-13), e.g. 37fa9b26da0d: g-values from a sampling table.
  --deepmind-hash DIR   a checkout of google-deepmind/synthid-text at or after 883f60f, e.g. addb4a158143: g-values
                        from the re-hashed key and a SHA-256 initial value.
                        From both: accumulate_hash (hashing_function.py); update_scores, update_scores_distortionary,
                        SynthIDState, SynthIDLogitsProcessor (logits_processing.py); mean_score, weighted_mean_score
                        (detector_mean.py); the "keys" of DEFAULT_WATERMARKING_CONFIG (synthid_mixin.py, read as a
                        literal).
  --hf-rev, --deepmind-table-rev, --deepmind-hash-rev
                        the commits of those directories, written into the CSV headers (default: `git rev-parse
                        HEAD` in the directory, else "unknown").

Requirements: PyTorch (CPU) and NumPy, e.g. Debian's python3-torch and python3-numpy; the toy language model is
imported from generate_interop_vectors.py next to this file, which also needs python3-scipy and python3-mpmath:

  /usr/bin/python3 watermark-core/src/test/python/generate_synthid_vectors.py \
      --hf /path/to/transformers --deepmind-table /path/to/synthid-text@37fa9b2 \
      --deepmind-hash /path/to/synthid-text@addb4a1 --out watermark-core/src/test/resources/interop

The committed vectors were made with transformers logits_process.py 00857b6cf63a4fa05cbd9bdc8a4fd78b6168c5af and
watermarking.py 01080c629600d4ff3121446bb4f4a2e240c2cf41 (the same revisions as generate_interop_vectors.py; a
directory holding those five classes of those two files, their code copied verbatim and long docstrings shortened,
was given as --hf), synthid-text 37fa9b26da0d982aae888ca90725f6abc9b99be0 (table; logits_processing.py last
changed in 3a068a3f) and addb4a158143c7c6851a1308f78b89fceed59683 (hash; logits_processing.py last changed in
883f60fa); torch 1.13 (Debian bookworm python3-torch 1.13.1+dfsg, built without MKL), numpy 1.24.

Stand-ins, and why they do not change a number:
  - torch.vmap (PyTorch >= 2.0; Debian's 1.13 lacks it) is replaced, only where torch lacks it, by a loop that calls
    the function on each slice of the mapped dimension and stacks the results on out_dims. Every mapped function is
    accumulate_hash, an element-wise int64 add/multiply/add with broadcasting, so slice by slice gives the same
    integers as the batched call.
  - The torch.no_grad decorators of synthid-text are removed from the extracted source (torch 1.13 does not accept
    the bare form). They only stop autograd from recording; no tensor here requires a gradient.
  - transformers.LogitsProcessor, add_start_docstrings and synthid-text's `transformers` import are empty stand-ins
    (a base class without behaviour, a no-op decorator).
  - detector_mean.py is written for jax.numpy; it runs here with numpy in its place, on float64 copies of the 0/1
    g-values and mask. The functions only sum, multiply and divide; `weights *= ...` and `g_values *= ...`, which
    rebind immutable arrays in JAX, update the float64 copies in place here with the same values. JAX by default
    (x64 disabled) computes in float32: its mean_score is the float32 rounding of the exact quotient written here
    (both operands are integers below 2**24), its weighted_mean_score differs from the float64 value written here by
    float32 rounding (about 1e-6 relative at most).
  - The token-selection lines of the generation loops (transformers' GenerationMixin._sample and synthid-text's
    SynthIDSparseTopKMixin._sample need a model) are reproduced here as written there: softmax, then
    torch.multinomial(probs, num_samples=1) on the global CPU generator, seeded once with torch.manual_seed; for
    synthid-text the sampled index is mapped back through the top-k indices. The logits warpers run in transformers'
    order (_get_logits_processor): TemperatureLogitsWarper if temperature != 1.0, TopKLogitsWarper if top_k, then the
    watermark processor last.
  - The tokenizer of SynthIDTextWatermarkDetector is a stand-in holding eos_token_id, and its Bayesian
    detector_module a stand-in returning the (g_values, combined_mask) it is handed: these are exactly the inputs of
    the mean and weighted-mean scores.

Self-checks (the script stops on the first failure): transformers and synthid-text before June 2025 give identical
n-gram keys, g-values and masks; tracemark_* functions below — a plain-integer restatement of the algorithm of
docs/interop.md, section "SynthID-Text (hf-synthid:)" — give the same keys, context hashes, g-values, masks, scores
and sampling table as the reference on every row; torch's exponential draws equal the MT19937 recipe of that section;
every reference generation step samples the token that the float64 restatement samples with those draws, with a
relative margin of at least 1e-4 (a seed that violates it is skipped, like the tie checks of
generate_interop_vectors.py).

Everything is deterministic: the same reference code and PyTorch give byte-identical files. The files are golden
vectors: once published they are never edited; a new format gets a new file name.

Output files (';'-separated, '#' comment lines, token lists space-separated, int64 values signed decimal):
  synthid-table.csv        table_seed;table_size;ones;sha256;first_bits
                           the transformers sampling table torch.randint(0, 2, (size,), generator=manual_seed(seed)):
                           number of ones, SHA-256 of the entries as one byte (0/1) each, first 64 entries
  synthid-gvalues.csv      ngram_key;table_seed;table_size;g_table;g_hash
                           g-value of one n-gram key: table[key mod size] (transformers sample_g_values) and the
                           re-hash of synthid-text since June 2025 (get_gvals)
  synthid-ngram-keys.csv   spec;impl;ngram;hash_iv;context_hash;ngram_keys;g_values
                           per n-gram: the initial hash value, the hash of its n-1 context tokens, one int64 key per
                           layer (in the order of the keys) and the layer g-values as a 0/1 string
  synthid-context-mask.csv spec;impl;case;tokens;mask
                           compute_context_repetition_mask: 1 = context not seen among the last context-history
                           contexts, one character per n-gram
  synthid-detect.csv       spec;impl;case;eos_token_id;tokens;tuples_scored;g_sum;mean_g;weighted_mean_g;mask;g_values
                           mask = context-repetition mask x EOS mask (SynthIDTextWatermarkDetector), one character per
                           n-gram; tuples_scored = unmasked n-grams; g_sum = sum of their g-values over all layers;
                           mean_g, weighted_mean_g = detector_mean.mean_score / weighted_mean_score (default weights)
                           in float64 ('nan' when nothing is scored); g_values = one 0/1 string per n-gram (all
                           n-grams, masked ones included), layers in key order; the rows "generated-*" score the
                           texts of synthid-generate.csv with eos_token_id = vocab, which never occurs in them
  synthid-generate.csv     spec;impl;vocab;logit_scale;temperature;top_k;skip_first_ngram_calls;toy_seed;torch_seed;
                           prompt;steps;draws_per_step;tokens;watermarked;min_margin
                           sampling from logits = toy_logits(vocab, toy_seed, step, previous token) * logit_scale
                           (exact float32; toy_logits of generate_interop_vectors.py) through the reference
                           processor; prompt = the tokens before the first step (only the toy model reads its last
                           token: the processor never hashes the prompt); tokens = the generated tokens;
                           watermarked = per step 1 if the processor changed the distribution (0: repeated context
                           or skipped first call); draws_per_step = exponential draws torch.multinomial takes per
                           step; min_margin = smallest relative gap, over the steps, between the largest and
                           second-largest probability/draw ratio
  synthid-torch-exponential.csv  torch_seed;count;values
                           torch.empty(count).exponential_() after torch.manual_seed(seed), float32 values
"""

import argparse
import ast
import hashlib
import math
import os
import subprocess
import sys
import types
import typing

import numpy as np
import torch

sys.dont_write_bytecode = True  # importing the sibling script leaves no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate_interop_vectors import toy_logits  # noqa: E402  (the shared toy language model)

MASK64 = (1 << 64) - 1
LCG_MULTIPLIER = 6364136223846793005  # accumulate_hash's defaults (newlib/musl LCG)
LCG_INCREMENT = 1


# ----------------------------------------------------------------------------------------------------------
# loading the references
# ----------------------------------------------------------------------------------------------------------
def stand_in_vmap(func, in_dims=0, out_dims=0):
    """torch.vmap for functions of element-wise integer arithmetic: call per slice, stack the results."""

    def mapped(*args):
        dims = in_dims if isinstance(in_dims, tuple) else (in_dims,) * len(args)
        sizes = {a.shape[d] for a, d in zip(args, dims) if d is not None}
        if len(sizes) != 1:
            raise ValueError(f"stand-in vmap: mapped sizes {sizes}")
        (size,) = sizes
        outs = [func(*[a if d is None else a.select(d, i) for a, d in zip(args, dims)]) for i in range(size)]
        return torch.stack(outs, dim=out_dims)

    return mapped


if not hasattr(torch, "vmap"):
    torch.vmap = stand_in_vmap


def top_level(filename, names):
    """The top-level functions, classes and assignments of a file that are named in names, without decorators of
    torch.no_grad, compiled for exec."""
    with open(filename, encoding="utf-8") as f:
        tree = ast.parse(f.read(), filename)
    keep = []
    for n in tree.body:
        name = getattr(n, "name", None)
        if name is None and isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name):
            name = n.targets[0].id
        if name in names:
            keep.append(n)
    missing = set(names) - {getattr(n, "name", None) or n.targets[0].id for n in keep}
    if missing:
        raise SystemExit(f"{filename}: definitions not found: {sorted(missing)}")
    for node in ast.walk(ast.Module(body=keep, type_ignores=[])):
        if isinstance(node, ast.FunctionDef):
            node.decorator_list = [d for d in node.decorator_list if ast.unparse(d) != "torch.no_grad"]
    return compile(ast.Module(body=keep, type_ignores=[]), filename, "exec")


class LogitsProcessor:  # stand-in for transformers.LogitsProcessor, a plain base class
    pass


def load_hf(path):
    gen = os.path.join(path, "src", "transformers", "generation")
    if not os.path.isdir(gen):
        gen = path
    ns = {
        "__name__": "hf_reference", "torch": torch, "LogitsProcessor": LogitsProcessor, "Any": typing.Any,
        "add_start_docstrings": lambda *a, **k: (lambda f: f), "LOGITS_PROCESSOR_INPUTS_DOCSTRING": "",
        "BayesianDetectorModel": object,
    }
    exec(top_level(os.path.join(gen, "logits_process.py"),
                   ["TemperatureLogitsWarper", "TopKLogitsWarper", "SynthIDTextWatermarkState",
                    "SynthIDTextWatermarkLogitsProcessor"]), ns)
    exec(top_level(os.path.join(gen, "watermarking.py"), ["SynthIDTextWatermarkDetector"]), ns)
    return ns


def load_deepmind(path):
    src = os.path.join(path, "src", "synthid_text")
    hashing = {"torch": torch}
    exec(top_level(os.path.join(src, "hashing_function.py"), ["accumulate_hash"]), hashing)
    transformers = types.SimpleNamespace(LogitsProcessor=LogitsProcessor)
    import collections.abc
    ns = {"__name__": "synthid_text_reference", "torch": torch, "hashlib": hashlib, "transformers": transformers,
          "Sequence": collections.abc.Sequence,
          "hashing_function": types.SimpleNamespace(accumulate_hash=hashing["accumulate_hash"])}
    exec(top_level(os.path.join(src, "logits_processing.py"),
                   ["update_scores", "update_scores_distortionary", "SynthIDState", "SynthIDLogitsProcessor"]), ns)
    detector = {"jnp": np, "Optional": typing.Optional}  # jax.numpy stand-in, see the module docstring
    exec(top_level(os.path.join(src, "detector_mean.py"), ["mean_score", "weighted_mean_score"]), detector)
    ns["mean_score"] = detector["mean_score"]
    ns["weighted_mean_score"] = detector["weighted_mean_score"]
    with open(os.path.join(src, "synthid_mixin.py"), encoding="utf-8") as f:
        mixin = ast.parse(f.read())
    for n in mixin.body:
        if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", None) == "DEFAULT_WATERMARKING_CONFIG":
            config = n.value.args[0]
            for k, v in zip(config.keys, config.values):
                if ast.literal_eval(k) == "keys":
                    ns["DEFAULT_KEYS"] = ast.literal_eval(v)
    return ns


def revision(path, given):
    if given:
        return given
    try:
        return subprocess.run(["git", "-C", path, "rev-parse", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# ----------------------------------------------------------------------------------------------------------
# tracemark's restatement of the algorithm (plain Python integers), checked against the reference on every row
# ----------------------------------------------------------------------------------------------------------
def s64(x):
    x &= MASK64
    return x - (1 << 64) if x >> 63 else x


def tracemark_lcg(h, values):
    for v in values:
        h = s64((h + v) * LCG_MULTIPLIER + LCG_INCREMENT)
    return h


def tracemark_hash_iv(keys, gvals):
    if gvals == "table":
        return 1
    digest = hashlib.sha256(b"".join(s64(k).to_bytes(8, "little", signed=True) for k in keys)).digest()
    return int.from_bytes(digest, "big") % ((1 << 63) - 1)


def tracemark_ngram_keys(keys, gvals, ngram):
    h = tracemark_lcg(tracemark_hash_iv(keys, gvals), ngram)
    return [tracemark_lcg(h, [k]) for k in keys]


def tracemark_g_hash(key):
    for _ in range(12):
        key = s64((key + 1) * LCG_MULTIPLIER + LCG_INCREMENT) >> 5  # arithmetic shift of the signed value
    return (key >> 30) & 1


def tracemark_context_mask(keys, gvals, n, history, tokens):
    iv = tracemark_hash_iv(keys, gvals)
    seen = [0] * history  # the reference's history starts as `history` zeros
    mask = []
    for j in range(len(tokens) - n + 1):
        h = tracemark_lcg(iv, tokens[j:j + n - 1])
        mask.append(0 if h in seen else 1)
        seen = ([h] + seen)[:history]
    return mask


def tracemark_eos_mask(n, eos, tokens):
    first = tokens.index(eos) if eos in tokens else len(tokens)
    return [1 if j + n - 1 < first else 0 for j in range(len(tokens) - n + 1)]


def tracemark_scores(m, g, mask):
    """mean and weighted mean (weights 10 .. 1 linearly, scaled to sum to m) over the unmasked n-grams."""
    n = sum(mask)
    w = [10.0 - 9.0 * i / (m - 1) for i in range(m)] if m > 1 else [10.0]
    w = [x * m / sum(w) for x in w]
    if n == 0:
        return float("nan"), float("nan")
    mean = sum(sum(row) for row, keep in zip(g, mask) if keep) / (m * n)
    weighted = sum(sum(wl * gl for wl, gl in zip(w, row)) for row, keep in zip(g, mask) if keep) / (m * n)
    return mean, weighted


class TracemarkMt19937:
    """torch's CPU generator: MT19937 seeded with the low 32 bits of the seed (Knuth's initialisation)."""

    def __init__(self, seed):
        self.mt = [seed & 0xFFFFFFFF]
        for i in range(1, 624):
            self.mt.append((1812433253 * (self.mt[-1] ^ (self.mt[-1] >> 30)) + i) & 0xFFFFFFFF)
        self.index = 624

    def next32(self):
        if self.index == 624:
            for k in range(624):
                y = (self.mt[k] & 0x80000000) | (self.mt[(k + 1) % 624] & 0x7FFFFFFF)
                self.mt[k] = self.mt[(k + 397) % 624] ^ (y >> 1) ^ (0x9908B0DF if y & 1 else 0)
            self.index = 0
        y = self.mt[self.index]
        self.index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        return y ^ (y >> 18)

    def exponential(self):
        """exponential_(1) on a float32 tensor: u from the low 53 bits of (first << 32 | second), -log(1 - u) in
        double, rounded to float32."""
        bits = (self.next32() << 32) | self.next32()
        u = (bits & ((1 << 53) - 1)) * 2.0 ** -53
        return float(np.float32(-math.log(1.0 - u)))


def tracemark_table(seed, size):
    mt = TracemarkMt19937(seed)
    return [mt.next32() & 1 for _ in range(size)]


def tracemark_sample(logits32, temperature, top_k, apply_hf_rules, g, watermark, draws):
    """Float64 restatement of one sampling step: returns (token index into the candidate order, relative margin)."""
    x = np.asarray(logits32, dtype=np.float32)
    if apply_hf_rules:
        if temperature != 1.0:
            x = x / np.float32(temperature)
        if top_k:
            kth = np.sort(x)[::-1][min(top_k, len(x)) - 1]
            x = np.where(x < kth, -np.inf, x)
    else:
        x = x / np.float32(temperature)
    p = np.exp(x.astype(np.float64) - np.max(x))
    p /= p.sum()
    if watermark:
        for layer in range(g.shape[1]):
            gl = g[:, layer]
            p = p * (1 + gl - (gl * p).sum())
        p /= p.sum()
    q = p / np.asarray(draws, dtype=np.float64)
    order = np.argsort(-q, kind="stable")
    return int(order[0]), float((q[order[0]] - q[order[1]]) / q[order[0]])


# ----------------------------------------------------------------------------------------------------------
# configurations
# ----------------------------------------------------------------------------------------------------------
EXTREME_KEYS = [2**63 - 1, -2**63, 0, -1, 15485863]


def spec(keys, n, gvals, table_size=65536, table_seed=0, history=1024):
    s = f"hf-synthid:keys={'/'.join(str(k) for k in keys)},ngram-len={n},gvals={gvals}"
    if gvals == "table":
        s += f",table-size={table_size},table-seed={table_seed}"
    return s + f",context-history={history}"


class Reference:
    """The three reference implementations behind one interface."""

    def __init__(self, hf, dm_table, dm_hash, revs):
        self.hf, self.dm_table, self.dm_hash, self.revs = hf, dm_table, dm_hash, revs

    def processor(self, impl, keys, n, table_size=65536, table_seed=0, history=1024, temperature=1.0, top_k=2,
                  skip_first=False):
        cpu = torch.device("cpu")
        if impl == "transformers":
            return self.hf["SynthIDTextWatermarkLogitsProcessor"](
                ngram_len=n, keys=keys, sampling_table_size=table_size, sampling_table_seed=table_seed,
                context_history_size=history, device=cpu, skip_first_ngram_calls=skip_first)
        if impl == "synthid-text-table":
            return self.dm_table["SynthIDLogitsProcessor"](
                ngram_len=n, keys=keys, sampling_table_size=table_size, sampling_table_seed=table_seed,
                context_history_size=history, temperature=temperature, top_k=top_k, device=cpu,
                skip_first_ngram_calls=skip_first)
        return self.dm_hash["SynthIDLogitsProcessor"](
            ngram_len=n, keys=keys, context_history_size=history, temperature=temperature, top_k=top_k, device=cpu,
            skip_first_ngram_calls=skip_first)

    def impl_name(self, impl):
        return {"transformers": f"transformers@{self.revs['hf'][:12]}",
                "synthid-text-table": f"synthid-text@{self.revs['table'][:12]}",
                "synthid-text-hash": f"synthid-text@{self.revs['hash'][:12]}"}[impl]

    @staticmethod
    def g_values(proc, ngram_keys):
        if hasattr(proc, "sample_g_values"):
            return proc.sample_g_values(ngram_keys)
        return proc.get_gvals(ngram_keys)


def bits(values):
    return "".join(str(int(v)) for v in values)


def toks(seq):
    return " ".join(str(int(t)) for t in seq)


def check(condition, what):
    if not condition:
        raise SystemExit(f"self-check failed: {what}")


# ----------------------------------------------------------------------------------------------------------
# vectors
# ----------------------------------------------------------------------------------------------------------
def table_rows(ref):
    rows = []
    for seed, size in [(0, 65536), (7, 65536), (2**32 + 7, 65536), (12345, 1000), (-1, 65536), (42, 2**16 + 1),
                       (0, 2**24)]:
        proc = ref.processor("transformers", [1], 2, table_size=size, table_seed=seed)
        table = proc.sampling_table
        check(table.dtype == torch.int64 and table.shape == (size,), "table dtype and shape")
        if size <= 70000:
            check(table.tolist() == tracemark_table(seed, size), f"table seed {seed} size {size}")
        data = table.to(torch.uint8).numpy().tobytes()
        rows.append((seed, size, int(table.sum()), hashlib.sha256(data).hexdigest(), bits(table[:64].tolist())))
    return rows


def gvalue_rows(ref, rng):
    keys = [0, 1, -1, 2**63 - 1, -2**63, 65535, 65536, -65536, -65537, 999, -1000, 12345678901234]
    keys += [int(k) for k in rng.integers(-2**63, 2**63 - 1, size=40, dtype=np.int64)]
    rows = []
    for seed, size in [(0, 65536), (12345, 1000)]:
        table_proc = ref.processor("transformers", [1], 2, table_size=size, table_seed=seed)
        table = tracemark_table(seed, size)
        hash_proc = ref.processor("synthid-text-hash", [1], 2)
        t = torch.tensor(keys, dtype=torch.int64)[None, :, None]
        g_table = table_proc.sample_g_values(t)[0, :, 0].tolist()
        g_hash = hash_proc.get_gvals(t)[0, :, 0].tolist()
        for k, gt, gh in zip(keys, g_table, g_hash):
            check(gt == table[k % size], f"g_table of key {k}")
            check(gh == tracemark_g_hash(k), f"g_hash of key {k}")
            rows.append((k, seed, size, gt, gh))
    return rows


def ngram_key_rows(ref, rng):
    rows = []
    configs = [(ref.dm_table["DEFAULT_KEYS"], 5), (EXTREME_KEYS, 2), ([654], 2), ([2**63 - 25], 3),
               (ref.dm_table["DEFAULT_KEYS"][:5], 5)]
    for keys, n in configs:
        ngrams = [[0] * n, [262143] * n, [2**31 - 1] + [1] * (n - 1)]
        ngrams += [rng.integers(0, 256000, size=n).tolist() for _ in range(5)]
        for impl, gvals in [("transformers", "table"), ("synthid-text-table", "table"), ("synthid-text-hash", "hash")]:
            proc = ref.processor(impl, keys, n)
            for ngram in ngrams:
                t = torch.tensor([ngram], dtype=torch.int64)
                keys_detect = proc.compute_ngram_keys(t[:, None, :])
                keys_gen, ctx_hash = proc._compute_keys(t[:, :-1], t[:, -1:])
                check(torch.equal(keys_detect, keys_gen), "detection and generation n-gram keys")
                g = Reference.g_values(proc, keys_detect)[0, 0].tolist()
                key_list = keys_detect[0, 0].tolist()
                check(key_list == tracemark_ngram_keys(keys, gvals, ngram), f"n-gram keys {impl} {ngram}")
                check(int(ctx_hash[0]) == tracemark_lcg(tracemark_hash_iv(keys, gvals), ngram[:-1]), "context hash")
                if gvals == "hash":
                    check(g == [tracemark_g_hash(k) for k in key_list], "hash g-values")
                    check(proc.hash_iv == tracemark_hash_iv(keys, gvals), "hash_iv")
                if impl == "transformers":
                    # a table of 2**16 entries sees the n-gram hash modulo 2**16, which depends on the tokens and the
                    # keys modulo 2**16 only: tokens t and t + 65536 give the same g-values
                    alias = torch.tensor([[[t + 65536 for t in ngram]]], dtype=torch.int64)
                    check(proc.sample_g_values(proc.compute_ngram_keys(alias))[0, 0].tolist() == g, "2**16 aliasing")
                rows.append((spec(keys, n, gvals), ref.impl_name(impl), toks(ngram), tracemark_hash_iv(keys, gvals),
                             int(ctx_hash[0]), " ".join(str(k) for k in key_list), bits(g)))
    return rows


def context_mask_rows(ref, rng):
    rows = []
    small = rng.integers(0, 6, size=300).tolist()
    periodic = ([11, 12, 13, 14] * 8 + [15] + [11, 12, 13, 14] * 3)
    spaced = [1, 2] + list(range(100, 110)) + [1, 2] + list(range(200, 203)) + [1, 2, 3]
    cases = [("small-alphabet", small), ("periodic", periodic), ("spaced", spaced), ("constant", [9] * 20)]
    for n in (2, 3, 5):
        for history in (1, 2, 3, 8, 1024):
            for impl, gvals in [("transformers", "table"), ("synthid-text-hash", "hash")]:
                keys = [654, 400]
                proc = ref.processor(impl, keys, n, history=history)
                for case, seq in cases:
                    mask = proc.compute_context_repetition_mask(torch.tensor([seq]))[0].int().tolist()
                    check(mask == tracemark_context_mask(keys, gvals, n, history, seq), f"mask {case} n={n}")
                    if impl == "transformers":
                        other = ref.processor("synthid-text-table", keys, n, history=history)
                        check(other.compute_context_repetition_mask(torch.tensor([seq]))[0].int().tolist() == mask,
                              "transformers and synthid-text table masks")
                    rows.append((spec(keys, n, gvals, history=history), ref.impl_name(impl), case, toks(seq),
                                 bits(mask)))
    return rows


class Tokenizer:  # stand-in: SynthIDTextWatermarkDetector reads eos_token_id only
    def __init__(self, eos_token_id):
        self.eos_token_id = eos_token_id


def capture_scoring_inputs(g_values, mask):  # stand-in detector_module: returns what the Bayesian model would get
    return g_values, mask


def detect(ref, impl, keys, n, gvals, seq, eos, table_size=65536, table_seed=0, history=1024):
    proc = ref.processor(impl, keys, n, table_size=table_size, table_seed=table_seed, history=history)
    t = torch.tensor([seq], dtype=torch.int64)
    if impl == "transformers":
        g, mask = ref.hf["SynthIDTextWatermarkDetector"](capture_scoring_inputs, proc, Tokenizer(eos))(t)
        # synthid-text (before June 2025) must give the same inputs, combined as its notebook does
        other = ref.processor("synthid-text-table", keys, n, table_size=table_size, table_seed=table_seed,
                              history=history)
        g2, mask2 = notebook_scoring_inputs(other, t, n, eos)
        check(torch.equal(g, g2) and torch.equal(mask, mask2), "transformers and synthid-text table detection")
    else:
        g, mask = notebook_scoring_inputs(proc, t, n, eos)
    dm = ref.dm_hash
    g64 = g.numpy().astype(np.float64)
    m64 = mask.numpy().astype(np.float64)
    with np.errstate(invalid="ignore"):  # 0/0 when nothing is scored: the reference returns nan
        mean = float(dm["mean_score"](g64.copy(), m64.copy())[0])
        weighted = float(dm["weighted_mean_score"](g64.copy(), m64.copy())[0])
    g_rows = g[0].tolist()
    mask_list = mask[0].int().tolist()
    expected_mask = [a * b for a, b in zip(tracemark_context_mask(keys, gvals, n, history, seq),
                                          tracemark_eos_mask(n, eos, seq))]
    check(mask_list == expected_mask, f"detection mask {impl}")
    table = tracemark_table(table_seed, table_size) if gvals == "table" else None
    for j, row in enumerate(g_rows):
        ks = tracemark_ngram_keys(keys, gvals, seq[j:j + n])
        check(row == ([table[k % table_size] for k in ks] if table else [tracemark_g_hash(k) for k in ks]),
              f"g-values at {j}")
    tm_mean, tm_weighted = tracemark_scores(len(keys), g_rows, mask_list)
    check(repr(tm_mean) == repr(mean) or (math.isnan(tm_mean) and math.isnan(mean)), "mean_g")
    check(math.isnan(mean) or abs(tm_weighted - weighted) <= 1e-14 * abs(weighted), "weighted_mean_g")
    g_sum = sum(sum(row) for row, keep in zip(g_rows, mask_list) if keep)
    return sum(mask_list), g_sum, mean, weighted, bits(mask_list), " ".join(bits(row) for row in g_rows)


def notebook_scoring_inputs(proc, t, n, eos):
    """synthid-text's notebook: EOS mask from n - 1 on, times the context-repetition mask, and the g-values."""
    eos_token_mask = proc.compute_eos_token_mask(input_ids=t, eos_token_id=eos)[:, n - 1:]
    context_repetition_mask = proc.compute_context_repetition_mask(input_ids=t)
    combined_mask = context_repetition_mask * eos_token_mask
    return proc.compute_g_values(input_ids=t), combined_mask


def generate(ref, impl, keys, n, table_size, table_seed, history, vocab, scale, temperature, top_k, skip_first,
             toy_seed, torch_seed, prompt, steps):
    """One sequence through the reference; returns (tokens, watermarked flags, min margin) or None when a step is
    closer than 1e-4 to a tie (the caller then tries the next torch seed)."""
    proc = ref.processor(impl, keys, n, table_size=table_size, table_seed=table_seed, history=history,
                         temperature=temperature, top_k=top_k, skip_first=skip_first)
    warpers = []
    if impl == "transformers":
        if temperature != 1.0:
            warpers.append(ref.hf["TemperatureLogitsWarper"](temperature))
        if top_k:
            warpers.append(ref.hf["TopKLogitsWarper"](top_k=top_k))
    gvals = "hash" if impl == "synthid-text-hash" else "table"
    table = tracemark_table(table_seed, table_size) if gvals == "table" else None
    torch.manual_seed(torch_seed)
    mt = TracemarkMt19937(torch_seed)
    ids = list(prompt)
    generated, flags, margins = [], [], []
    history_seen = [0] * history
    calls = 0
    for step in range(steps):
        logits = torch.from_numpy(toy_logits(vocab, toy_seed, step, ids[-1]) * np.float32(scale))[None, :]
        input_ids = torch.tensor([ids], dtype=torch.int64)
        if impl == "transformers":
            scores = logits
            for w in warpers:
                scores = w(input_ids, scores)
            out = proc(input_ids, scores)
            watermarked = not torch.equal(out, scores)
            candidates = list(range(vocab))
        else:
            out, indices, scores = proc.watermarked_call(input_ids, logits)
            watermarked = not torch.equal(out, scores)
            candidates = indices[0].tolist()
            values = scores[0].tolist()
            if len(set(values)) != len(values) or float(torch.topk(logits / temperature, top_k + 1).values[0, -1]) \
                    == values[-1]:
                return None  # a tie inside or at the boundary of top-k would make the draw order ambiguous
        probs = torch.nn.functional.softmax(out, dim=-1)
        next_index = int(torch.multinomial(probs, num_samples=1)[0, 0])
        token = candidates[next_index]
        # tracemark's restatement: same context, history and draws, float64 arithmetic
        calls += 1
        context = ([0] * (n - 1) + generated)[-(n - 1):]
        expect_wm = False
        g = None
        if not (skip_first and calls < n):
            h = tracemark_lcg(tracemark_hash_iv(keys, gvals), context)
            expect_wm = h not in history_seen
            history_seen = ([h] + history_seen)[:history]
            ks = [[tracemark_lcg(tracemark_lcg(h, [c]), [k]) for k in keys] for c in candidates]
            g = np.array([[table[k % table_size] if table else tracemark_g_hash(k) for k in row] for row in ks],
                         dtype=np.float64)
        check(expect_wm == watermarked, f"watermarked flag at step {step}")
        draws = [mt.exponential() for _ in candidates]
        logit_row = logits[0].numpy()
        if impl != "transformers":
            logit_row = logit_row[candidates]
        index, margin = tracemark_sample(logit_row, temperature, top_k, impl == "transformers", g, expect_wm, draws)
        if margin < 1e-4:
            return None
        check(index == next_index, f"sampled token at step {step}")
        flags.append(1 if watermarked else 0)
        margins.append(margin)
        generated.append(token)
        ids.append(token)
    return generated, flags, min(margins)


GENERATIONS = [
    # impl, keys (None = DeepMind's default 30), n, table_size, table_seed, history, vocab, scale, temperature, top_k,
    # skip_first, steps
    ("transformers", None, 5, 65536, 0, 1024, 1000, 4.0, 1.0, 50, False, 120),
    ("transformers", EXTREME_KEYS, 2, 65536, 0, 1024, 1000, 4.0, 0.7, 0, False, 100),
    ("transformers", [654], 5, 1000, 12345, 1024, 1000, 4.0, 0.5, 20, True, 100),
    ("transformers", [654], 2, 65536, 0, 4, 300, 2.0, 1.0, 10, False, 120),
    ("synthid-text-table", None, 5, 65536, 0, 1024, 1000, 4.0, 0.5, 40, False, 120),
    ("synthid-text-hash", None, 5, 65536, 0, 1024, 1000, 4.0, 0.7, 40, False, 200),
    ("synthid-text-hash", EXTREME_KEYS, 2, 65536, 0, 1024, 1000, 4.0, 1.0, 100, False, 120),
    ("synthid-text-hash", [654], 2, 65536, 0, 1024, 1000, 4.0, 0.5, 2, False, 100),
    ("synthid-text-hash", None, 2, 65536, 0, 1024, 1000, 4.0, 0.7, 40, True, 100),
]

DETECT_CONFIGS = [
    # keys (None = default 30), n, gvals, table_size, table_seed, history
    ([654], 2, "table", 65536, 0, 1024),
    ([9223372036854775783], 5, "table", 1000, 12345, 1024),  # table size not a power of two
    (EXTREME_KEYS, 2, "table", 65536, 0, 1024),
    (None, 5, "table", 65536, 0, 1024),  # the first five default keys, see below
    (None, 2, "table", 65536, 0, 4),
    (None, 5, "table", 65536, 0, 1024),
    ([654], 2, "hash", 65536, 0, 1024),
    ([9223372036854775783], 5, "hash", 65536, 0, 1024),
    (EXTREME_KEYS, 2, "hash", 65536, 0, 1024),
    (None, 5, "hash", 65536, 0, 1024),
    (None, 2, "hash", 65536, 0, 4),
    (None, 5, "hash", 65536, 0, 1024),
]


def detect_rows(ref, rng, generated):
    rows = []
    default = ref.dm_table["DEFAULT_KEYS"]
    for index, (keys, n, gvals, size, seed, history) in enumerate(DETECT_CONFIGS):
        if keys is None:
            keys = default[:5] if index in (3, 9) else default
        vocab = 256000 if index % 2 else 50257
        eos = 1 if vocab == 256000 else 50256
        block = rng.integers(0, vocab, size=30).tolist()
        body = rng.integers(2, 2000, size=58).tolist()
        cases = [("random", rng.integers(0, vocab, size=200).tolist()),
                 ("repeats", block + block + rng.integers(0, vocab, size=20).tolist() + block[:12]),
                 ("constant", [7] * 40),
                 ("one-ngram", rng.integers(0, vocab, size=n).tolist()),
                 ("eos-padded", body[:45] + [eos] + body[45:50] + [eos] * 14),
                 ("eos-first", [eos] + rng.integers(2, 2000, size=20).tolist())]
        impl = "transformers" if gvals == "table" else "synthid-text-hash"
        for case, seq in cases:
            rows.append((spec(keys, n, gvals, size, seed, history), ref.impl_name(impl), case, eos, toks(seq))
                        + detect(ref, impl, keys, n, gvals, seq, eos, size, seed, history))
    # the generated texts, scored under the spec that generated them; eos_token_id = vocab never occurs in them
    for keys, n, gvals, size, seed, history, vocab, gen_impl, tokens in generated:
        impl = "transformers" if gvals == "table" else "synthid-text-hash"
        rows.append((spec(keys, n, gvals, size, seed, history), ref.impl_name(impl), f"generated-{gen_impl}", vocab,
                     toks(tokens)) + detect(ref, impl, keys, n, gvals, tokens, vocab, size, seed, history))
    return rows


def generate_rows(ref):
    rows, generated = [], []
    toy_seed = 300
    for impl, keys, n, size, seed, history, vocab, scale, temperature, top_k, skip_first, steps in GENERATIONS:
        toy_seed += 1
        keys = ref.dm_table["DEFAULT_KEYS"] if keys is None else keys
        prompt = [(toy_seed * 7919 + i * 104729) % vocab for i in range(4)]
        torch_seed = toy_seed * 1000
        while True:
            result = generate(ref, impl, keys, n, size, seed, history, vocab, scale, temperature, top_k, skip_first,
                              toy_seed, torch_seed, prompt, steps)
            if result is not None:
                break
            torch_seed += 1
        tokens, flags, margin = result
        gvals = "hash" if impl == "synthid-text-hash" else "table"
        s = spec(keys, n, gvals, size, seed, history)
        draws = vocab if impl == "transformers" else top_k
        rows.append((s, ref.impl_name(impl), vocab, scale, temperature, top_k, str(skip_first).lower(), toy_seed,
                     torch_seed, toks(prompt), steps, draws, toks(tokens), bits(flags), f"{margin:.6g}"))
        generated.append((keys, n, gvals, size, seed, history, vocab, impl, tokens))
    return rows, generated


def exponential_rows():
    rows = []
    for seed in (0, 1, 42, 2**32 + 1, 123456789):
        torch.manual_seed(seed)
        values = torch.empty(8).exponential_().tolist()
        mt = TracemarkMt19937(seed)
        check(values == [mt.exponential() for _ in range(8)], f"exponential draws of seed {seed}")
        rows.append((seed, 8, " ".join(repr(v) for v in values)))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hf", required=True, help="transformers checkout")
    ap.add_argument("--deepmind-table", required=True, help="synthid-text checkout before 32197c3")
    ap.add_argument("--deepmind-hash", required=True, help="synthid-text checkout at or after 883f60f")
    ap.add_argument("--hf-rev")
    ap.add_argument("--deepmind-table-rev")
    ap.add_argument("--deepmind-hash-rev")
    ap.add_argument("--out", required=True, help="output directory")
    args = ap.parse_args()
    torch.set_num_threads(1)
    revs = {"hf": revision(args.hf, args.hf_rev), "table": revision(args.deepmind_table, args.deepmind_table_rev),
            "hash": revision(args.deepmind_hash, args.deepmind_hash_rev)}
    ref = Reference(load_hf(args.hf), load_deepmind(args.deepmind_table), load_deepmind(args.deepmind_hash), revs)
    check(ref.dm_table["DEFAULT_KEYS"] == ref.dm_hash["DEFAULT_KEYS"], "default keys")
    check(not hasattr(ref.dm_table["SynthIDLogitsProcessor"], "get_gvals"), "--deepmind-table is the table version")
    check(hasattr(ref.dm_hash["SynthIDLogitsProcessor"], "get_gvals"), "--deepmind-hash is the hash version")
    rng = np.random.default_rng(20261206)
    os.makedirs(args.out, exist_ok=True)
    header = (f"# generated by generate_synthid_vectors.py with torch {torch.__version__}, numpy {np.__version__}; "
              f"transformers {revs['hf']}, synthid-text {revs['table']} (table) and {revs['hash']} (hash)\n")

    def write(name, columns, rows):
        with open(os.path.join(args.out, name), "w", encoding="utf-8") as f:
            f.write(header + columns + "\n")
            for row in rows:
                f.write(";".join(str(x) for x in row) + "\n")

    write("synthid-table.csv", "table_seed;table_size;ones;sha256;first_bits", table_rows(ref))
    write("synthid-gvalues.csv", "ngram_key;table_seed;table_size;g_table;g_hash", gvalue_rows(ref, rng))
    write("synthid-ngram-keys.csv", "spec;impl;ngram;hash_iv;context_hash;ngram_keys;g_values",
          ngram_key_rows(ref, rng))
    write("synthid-context-mask.csv", "spec;impl;case;tokens;mask", context_mask_rows(ref, rng))
    gen_rows, generated = generate_rows(ref)
    write("synthid-generate.csv", "spec;impl;vocab;logit_scale;temperature;top_k;skip_first_ngram_calls;toy_seed;"
          "torch_seed;prompt;steps;draws_per_step;tokens;watermarked;min_margin", gen_rows)
    write("synthid-detect.csv", "spec;impl;case;eos_token_id;tokens;tuples_scored;g_sum;mean_g;weighted_mean_g;mask;"
          "g_values", detect_rows(ref, rng, generated))
    write("synthid-torch-exponential.csv", "torch_seed;count;values", exponential_rows())


if __name__ == "__main__":
    main()
