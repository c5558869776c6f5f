#!/usr/bin/env python3
"""Generates the interoperability golden vectors under src/test/resources/interop/ from the REAL reference code.

The reference code is not part of tracemark and is never committed; give its location at run time:

  --lmw DIR   a checkout of jwkirchenbauer/lm-watermarking (needs extended_watermark_processor.py,
              alternative_prf_schemes.py, normalizers.py, homoglyphs.py, homoglyph_data/)
  --hf DIR    a checkout of huggingface/transformers (reads src/transformers/generation/logits_process.py
              and watermarking.py; only the classes WatermarkLogitsProcessor, WatermarkDetectorOutput and
              WatermarkDetector are taken from them, by name, with the standard library's ast module)
  --vllm DIR  (optional) a checkout of vllm-project/vllm; only these definitions are taken, by name:
              vllm/v1/watermarking/prfs/{base,philox}.py (all), detector.py (WatermarkDetector and helpers),
              gumbel.py (GumbelWatermarker, GumbelWatermarkDetector, DualKeyGumbelWatermarkDetector and helpers),
              vllm/config/watermarking.py (derive_watermark_key); torch.compile is replaced by the identity
              where PyTorch predates it (only the CPU path runs)

Requirements: PyTorch (CPU), SciPy and mpmath, e.g. Debian's python3-torch, python3-scipy, python3-mpmath:

  /usr/bin/python3 watermark-core/src/test/python/generate_interop_vectors.py \
      --lmw /path/to/lm-watermarking --hf /path/to/transformers --vllm /path/to/vllm \
      --out watermark-core/src/test/resources/interop

The committed vectors were made with lm-watermarking fb602de9f5ac4d70099e43d3c0d7ce93616a78b3, the two
transformers classes as of commits 00857b6cf63a (logits_process.py) and 01080c629600 (watermarking.py), and
vLLM's philox.py 373305d65c78, detector.py a6d669adc4b8, gumbel.py and config/watermarking.py 01c268bcd2de,
prfs/base.py 773dc86d8bf1; torch 1.13 (Debian bookworm python3-torch), numpy 1.24, scipy 1.10.

transformers itself (and tokenizers) need not be installed: lm-watermarking imports only their base classes
LogitsProcessor and Tokenizer, which small stand-ins below provide, and the two Hugging Face classes are
executed in a namespace holding exactly the names they use.

Everything is deterministic: the same reference code and PyTorch give byte-identical files. The files are
golden vectors: once published they are never edited; a new format gets a new file name.

Output files (';'-separated, '#' comment lines, token lists space-separated):
  prf-seeds.csv  family;prf;context_width;hash_key;tokens;seed
                 seed = the value handed to manual_seed (prf_key % (2**64 - 1) for lm-watermarking,
                 seed % (2**64 - 1) for transformers' set_seed)
  detect.csv     spec;case;tokens;num_tokens_scored;num_green_tokens;z_score;p_value;green_mask
                 green_mask: lm-watermarking's green_token_mask as 0/1 per n-gram ('-' for transformers)
  generate.csv   spec;toy_seed;prompt;steps;tokens;bias_counts;bias_sha256
                 greedy decoding of the toy model below through the reference logits processor; tokens are
                 the generated ones; bias_counts and bias_sha256 describe, per step, the set of token ids whose
                 logit the processor changed (count, and SHA-256 of the ascending ids as int32 little-endian,
                 first 16 hex digits), separated by spaces
  vllm-detect.csv    spec;case;tokens;num_scored_tokens;score;p_value;p_value_mpmath   (GumbelWatermarkDetector /
                     DualKeyGumbelWatermarkDetector .detect; p_value_mpmath is the same regularized upper incomplete
                     gamma function evaluated with mpmath at 40 digits where vLLM calls torch.special.gammaincc,
                     whose result is only accurate to about 1e-9 relative, else equal to p_value)
  vllm-generate.csv  spec;toy_seed;steps;tokens   (GumbelWatermarker._sample_watermarked on the CPU, context =
                     the last context_width generated tokens padded with -1, every step watermarked)
"""

import argparse
import ast
import collections
import dataclasses
import functools
import hashlib
import logging
import os
import sys
import types
import typing

import mpmath
import numpy as np
import scipy.stats  # noqa: F401  (lm-watermarking's detector uses it)
import torch

MASK32 = 0xFFFFFFFF


# ----------------------------------------------------------------------------------------------------------
# the toy language model: logits as a pure integer function, exact in float32 in Python and Java alike
# ----------------------------------------------------------------------------------------------------------
def toy_logits(vocab, toy_seed, step, prev):
    """logits[v] = (mix(v, toy_seed, step, prev) >> 8) * 2**-22, in [0, 4), exactly representable in float32."""
    v = np.arange(vocab, dtype=np.uint64)
    base = (toy_seed * 1000003 + step * 40503 + prev * 97) & MASK32
    h = (v * np.uint64(2654435761) + np.uint64(base)) & np.uint64(MASK32)
    h ^= h >> np.uint64(15)
    h = (h * np.uint64(2246822519)) & np.uint64(MASK32)
    h ^= h >> np.uint64(13)
    h = (h * np.uint64(3266489917)) & np.uint64(MASK32)
    h ^= h >> np.uint64(16)
    return (h >> np.uint64(8)).astype(np.float32) * np.float32(2.0 ** -22)


def sha16(ids):
    data = np.asarray(sorted(ids), dtype="<i4").tobytes()
    return hashlib.sha256(data).hexdigest()[:16]


def toks(seq):
    return " ".join(str(int(t)) for t in seq)


# ----------------------------------------------------------------------------------------------------------
# loading the references
# ----------------------------------------------------------------------------------------------------------
def load_lmw(path):
    tokenizers = types.ModuleType("tokenizers")

    class Tokenizer:  # stand-in: lm-watermarking only uses it as a type annotation
        pass

    tokenizers.Tokenizer = Tokenizer
    transformers = types.ModuleType("transformers")

    class LogitsProcessor:  # stand-in for transformers.LogitsProcessor, a plain base class
        pass

    transformers.LogitsProcessor = LogitsProcessor
    sys.modules.setdefault("tokenizers", tokenizers)
    sys.modules.setdefault("transformers", transformers)
    sys.path.insert(0, path)
    import alternative_prf_schemes as prfs  # noqa: E402
    import extended_watermark_processor as ewp  # noqa: E402
    return prfs, ewp


def extract_classes(filename, names):
    with open(filename, encoding="utf-8") as f:
        source = f.read()
    tree = ast.parse(source, filename)
    nodes = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name in names]
    found = {n.name for n in nodes}
    missing = set(names) - found
    if missing:
        raise SystemExit(f"{filename}: classes not found: {sorted(missing)}")
    return compile(ast.Module(body=nodes, type_ignores=[]), filename, "exec")


def load_hf(path):
    gen = os.path.join(path, "src", "transformers", "generation")
    if not os.path.isdir(gen):
        gen = path  # a directory holding the two files directly

    class LogitsProcessor:
        pass

    class WatermarkingConfig:  # only used in isinstance(); we pass dicts
        pass

    class PretrainedConfig:
        pass

    ns = {
        "__name__": "hf_reference",
        "torch": torch,
        "np": np,
        "collections": collections,
        "lru_cache": functools.lru_cache,
        "dataclass": dataclasses.dataclass,
        "Optional": typing.Optional,
        "Union": typing.Union,
        "Dict": typing.Dict,
        "Tuple": typing.Tuple,
        "Any": typing.Any,
        "LogitsProcessor": LogitsProcessor,
        "add_start_docstrings": lambda *a, **k: (lambda f: f),
        "LOGITS_PROCESSOR_INPUTS_DOCSTRING": "",
        "logger": logging.getLogger("hf_reference"),
        "WatermarkingConfig": WatermarkingConfig,
        "PretrainedConfig": PretrainedConfig,
    }
    exec(extract_classes(os.path.join(gen, "logits_process.py"), ["WatermarkLogitsProcessor"]), ns)
    exec(extract_classes(os.path.join(gen, "watermarking.py"), ["WatermarkDetectorOutput", "WatermarkDetector"]), ns)
    return ns


def extract_defs(filename, names=None):
    """Top-level functions, classes and assignments of a file (those named in names, or all), without imports."""
    with open(filename, encoding="utf-8") as f:
        tree = ast.parse(f.read(), filename)
    keep = []
    for n in tree.body:
        if isinstance(n, (ast.FunctionDef, ast.ClassDef)):
            name = n.name
        elif isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name):
            name = n.targets[0].id
        elif isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name):
            name = n.target.id
        else:
            continue
        if names is None or name in names:
            keep.append(n)
    if names is not None:
        missing = set(names) - {getattr(n, "name", None) or (n.targets[0].id if isinstance(n, ast.Assign)
                                                               else n.target.id) for n in keep}
        if missing:
            raise SystemExit(f"{filename}: definitions not found: {sorted(missing)}")
    return compile(ast.Module(body=keep, type_ignores=[]), filename, "exec")


def load_vllm(path):
    import abc
    import hashlib as _hashlib
    import math
    import warnings

    if not hasattr(torch, "compile"):
        torch.compile = lambda fn, **kwargs: fn  # only the CPU path of the reference runs here

    class Watermarker:  # stand-in base class (generation dispatch, speculative decoding)
        pass

    @dataclasses.dataclass(frozen=True)
    class WatermarkSample:
        token_ids: torch.Tensor
        logits: torch.Tensor

    ns = {
        "__name__": "vllm_reference",
        "torch": torch, "math": math, "warnings": warnings, "hashlib": _hashlib,
        "ABC": abc.ABC, "abstractmethod": abc.abstractmethod, "dataclass": dataclasses.dataclass,
        "TypeAlias": typing.TypeAlias, "Watermarker": Watermarker, "WatermarkSample": WatermarkSample,
        "RandomSampler": object, "SupportsSpeculativeDecoding": object, "WatermarkPRFName": str,
    }
    wm = os.path.join(path, "vllm", "v1", "watermarking")
    exec(extract_defs(os.path.join(path, "vllm", "config", "watermarking.py"), ["derive_watermark_key"]), ns)
    exec(extract_defs(os.path.join(wm, "prfs", "base.py")), ns)
    exec(extract_defs(os.path.join(wm, "prfs", "philox.py")), ns)
    ns["create_prf"] = lambda prf, key: ns["PhiloxPRF"](key)  # "philox" is the only PRF name
    exec(extract_defs(os.path.join(wm, "detector.py"),
                      ["Context", "WatermarkDetection", "WatermarkDetector", "_is_repeated_context"]), ns)
    exec(extract_defs(os.path.join(wm, "gumbel.py"),
                      ["_gamma_survival_integer_shape", "GumbelWatermarker", "GumbelWatermarkDetector",
                       "DualKeyGumbelWatermarkDetector", "_validate_context_width"]), ns)
    return ns


VLLM_GOLDEN = [46, 24, 45, 80, 14, 26, 22, 124, 21, 45, 16, 30, 5, 89, 0, 10, 27, 70, 80, 62, 1, 11, 117, 53, 10, 45,
               94, 37, 43, 22, 78, 49, 119, 9, 22, 118, 82, 75, 32, 24, 84, 27, 122, 66, 78, 64, 124, 17, 91, 12, 51,
               15, 75, 64, 127, 45, 112, 15, 83, 114, 121, 109, 24, 77]

VLLM_CONFIGS = [
    # algorithm, key, context_width, alpha, vocab
    ("gumbel", 42, 4, None, 128),
    ("gumbel", 0, 1, None, 1000),
    ("gumbel", 2**64 - 1, 6, None, 50257),
    ("dual_key_gumbel", 0, 4, 0.1, 128),
    ("dual_key_gumbel", 42, 3, 0.5, 1000),
    ("dual_key_gumbel", 7, 2, 0.0, 1000),
    ("dual_key_gumbel", 7, 2, 1.0, 1000),
    ("dual_key_gumbel", 123456789, 5, 0.3, 50257),
]


def vllm_spec(algorithm, key, width, alpha, dedup, vocab):
    spec = f"vllm:algorithm={algorithm},key={key},context-width={width}"
    if alpha is not None:
        spec += f",alpha={alpha}"
    return spec + f",deduplicate-contexts={str(dedup).lower()},vocab={vocab}"


def vllm_vectors(ns, rng):
    mpmath.mp.dps = 40
    detect_rows, generate_rows = [], []
    toy_seed = 100
    for algorithm, key, width, alpha, vocab in VLLM_CONFIGS:
        toy_seed += 1
        wm = ns["GumbelWatermarker"](key if algorithm == "gumbel" else ns["derive_watermark_key"](key, b"key_a"),
                                     width)
        ids = []
        for step in range(80):
            ctx = ([-1] * width + ids)[-width:]
            logits = torch.from_numpy(toy_logits(vocab, toy_seed, step, ids[-1] if ids else -1))[None, :]
            sample = wm._sample_watermarked(logits, torch.tensor([ctx], dtype=torch.int64))
            ids.append(int(sample.token_ids[0]))
        if algorithm == "gumbel":
            generate_rows.append((vllm_spec(algorithm, key, width, alpha, False, vocab), toy_seed, 80, toks(ids)))
        block = rng.integers(0, vocab, size=20).tolist()
        cases = [("random", rng.integers(0, vocab, size=150).tolist()),
                 ("repeats", block + block + rng.integers(0, vocab, size=10).tolist() + block[:7]),
                 ("key-a-generated", ids), ("short", rng.integers(0, vocab, size=2).tolist())]
        if vocab == 128:
            cases.append(("golden", VLLM_GOLDEN))
        for dedup in (True, False):
            if algorithm == "gumbel":
                det = ns["GumbelWatermarkDetector"](key, width, deduplicate_contexts=dedup)
            else:
                det = ns["DualKeyGumbelWatermarkDetector"](key, width, deduplicate_contexts=dedup, alpha=alpha)
            for case, seq in cases:
                r = det.detect(seq)
                exact = r.p_value
                if algorithm == "dual_key_gumbel" and alpha not in (0, 0.5, 1) and r.num_scored_tokens > 0:
                    variance = (1 - alpha) ** 2 + alpha ** 2
                    exact = float(mpmath.gammainc(r.num_scored_tokens / variance, r.score / variance, mpmath.inf,
                                                  regularized=True))
                detect_rows.append((vllm_spec(algorithm, key, width, alpha, dedup, vocab), case, toks(seq),
                                    r.num_scored_tokens, repr(float(r.score)), repr(float(r.p_value)), repr(exact)))
    return detect_rows, generate_rows


# ----------------------------------------------------------------------------------------------------------
# vectors
# ----------------------------------------------------------------------------------------------------------
BIG_PRIME = 9223372036854775783  # largest prime below 2**63: salt * hashint * hashint wraps as int64
KEYS = [15485863, 2**31 - 1, 4294967311, BIG_PRIME]


def prf_seed_rows(prfs, hf, rng):
    rows = []
    for prf, h in [("additive_prf", 1), ("additive_prf", 3), ("multiplicative_prf", 3), ("minfunc_prf", 2),
                   ("simple_skip_prf", 3), ("skipgram_prf", 5), ("anchored_skipgram_prf", 3), ("minhash_prf", 4),
                   ("anchored_minhash_prf", 4), ("minskipgram_prf", 3), ("noncomm_prf", 3), ("position_prf", 3)]:
        for key in KEYS:
            for _ in range(6):
                ctx = rng.integers(0, 50257, size=h).tolist()
                value = prfs.prf_lookup[prf](torch.tensor(ctx, dtype=torch.long), salt_key=key)
                rows.append(("lmw", prf, h, key, toks(ctx), value % (2**64 - 1)))
    for scheme, h in [("lefthash", 1), ("lefthash", 3), ("selfhash", 1), ("selfhash", 4)]:
        for key in KEYS[:3]:
            proc = hf["WatermarkLogitsProcessor"](vocab_size=50257, device="cpu", hashing_key=key,
                                                   seeding_scheme=scheme, context_width=h)
            captured = []

            class Recorder:
                def manual_seed(self, s):
                    captured.append(s)

            proc.rng = Recorder()
            for _ in range(6):
                ctx = rng.integers(0, 50257, size=h).tolist()
                proc.set_seed(torch.tensor(ctx, dtype=torch.long))
                rows.append(("hf", scheme, h, key, toks(ctx), captured[-1]))
    return rows


class StandInTokenizer:
    """lm-watermarking's detector requires a tokenizer object; only bos_token_id is read when tokens are given."""

    def __init__(self, bos_token_id):
        self.bos_token_id = bos_token_id


class StandInModelConfig:
    def __init__(self, vocab_size, bos_token_id):
        self.vocab_size = vocab_size
        self.bos_token_id = bos_token_id
        self.is_encoder_decoder = False
        self.decoder_start_token_id = None


NO_BOS = -7  # never a token id


def lmw_profile(seeding, vocab, gamma, delta, ignore_repeated, bos=None):
    spec = f"lmw:seeding={seeding},gamma={gamma},delta={delta},vocab={vocab},ignore-repeated-ngrams={str(ignore_repeated).lower()}"
    if bos is not None:
        spec += f",bos-token-id={bos}"
    return spec


def hf_profile(seeding, vocab, gamma, delta, key, width, bos=None):
    spec = f"hf:seeding={seeding},gamma={gamma},delta={delta},hash-key={key},context-width={width},vocab={vocab}"
    if bos is not None:
        spec += f",bos-token-id={bos}"
    return spec


LMW_CONFIGS = [
    # seeding, vocab, gamma, delta
    ("lefthash", 50257, 0.25, 2.0),
    ("selfhash", 50257, 0.25, 2.0),
    ("minhash", 50257, 0.25, 2.0),
    ("skipgram", 50257, 0.25, 2.0),
    ("lefthash", 32000, 0.5, 0.05),
    (f"ff-anchored_minhash_prf-4-True-{BIG_PRIME}", 50257, 0.25, 2.0),
    (f"ff-additive_prf-2-False-{BIG_PRIME}", 50257, 0.25, 2.0),
    ("ff-position_prf-3-False-15485863", 1000, 0.3, 0.05),
    ("ff-noncomm_prf-2-True-4294967311", 1000, 0.3, 2.0),
]

HF_CONFIGS = [
    # seeding, vocab, gamma, delta, key, width
    ("lefthash", 50257, 0.25, 2.0, 15485863, 1),
    ("lefthash", 50257, 0.25, 2.0, 15485863, 3),
    ("selfhash", 50257, 0.25, 2.0, 15485863, 1),
    ("selfhash", 32000, 0.5, 2.5, 12345, 4),
    ("lefthash", 1000, 0.3, 0.05, BIG_PRIME, 2),
    ("lefthash", 128256, 0.25, 2.0, 15485863, 1),  # Llama 3 vocabulary
]


def test_sequences(rng, vocab, watermarked):
    seqs = [("random", rng.integers(0, vocab, size=200).tolist())]
    block = rng.integers(0, vocab, size=30).tolist()
    seqs.append(("repeats", block + block + rng.integers(0, vocab, size=20).tolist() + block[:12]))
    seqs.append(("watermarked", watermarked))
    return seqs


class TieError(Exception):
    pass


def generate_without_ties(make_proc, vocab, toy_seed, prompt, steps, self_seeded):
    """Greedy generation with the first toy seed >= toy_seed whose run has no tie that would make the result
    depend on tie-breaking order (argmax, or the self-seeding candidate boundary)."""
    while True:
        try:
            gen, counts, hashes = greedy(make_proc(), vocab, toy_seed, prompt, steps)
            if self_seeded:
                check_no_boundary_ties(vocab, toy_seed, prompt, gen)
            return toy_seed, gen, counts, hashes
        except TieError:
            toy_seed += 1


def greedy(proc, vocab, toy_seed, prompt, steps):
    ids = list(prompt)
    counts, hashes = [], []
    for step in range(steps):
        logits = torch.from_numpy(toy_logits(vocab, toy_seed, step, ids[-1]))[None, :]
        before = logits.clone()
        out = proc(torch.tensor([ids], dtype=torch.long), logits)
        changed = torch.nonzero(out[0] != before[0]).flatten().tolist()
        top2 = torch.topk(out[0], 2).values
        if top2[0] == top2[1]:
            raise TieError(f"tie for the argmax at step {step}")
        counts.append(len(changed))
        hashes.append(sha16(changed))
        ids.append(int(torch.argmax(out[0])))
    return ids[len(prompt):], counts, hashes


def check_no_boundary_ties(vocab, toy_seed, prompt, generated):
    """Self seeding tests the 41 (lm-watermarking) or 40 (transformers) highest logits; their order does not
    matter, but a tie across that boundary would make the candidate set depend on torch.sort's tie order."""
    ids = list(prompt) + list(generated)
    for step in range(len(generated)):
        logits = toy_logits(vocab, toy_seed, step, ids[len(prompt) + step - 1])
        top = np.sort(logits)[::-1][:42]
        if top[39] == top[40] or top[40] == top[41]:
            raise TieError(f"tie across the candidate boundary at step {step}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lmw", required=True, help="lm-watermarking checkout")
    ap.add_argument("--hf", required=True, help="transformers checkout")
    ap.add_argument("--vllm", help="vLLM checkout (optional)")
    ap.add_argument("--out", required=True, help="output directory")
    args = ap.parse_args()
    torch.set_num_threads(1)
    prfs, ewp = load_lmw(args.lmw)
    hf = load_hf(args.hf)
    rng = np.random.default_rng(20261128)
    os.makedirs(args.out, exist_ok=True)
    header = f"# generated by generate_interop_vectors.py with torch {torch.__version__}, numpy {np.__version__}\n"

    with open(os.path.join(args.out, "prf-seeds.csv"), "w", encoding="utf-8") as f:
        f.write(header + "family;prf;context_width;hash_key;tokens;seed\n")
        for row in prf_seed_rows(prfs, hf, rng):
            f.write(";".join(str(x) for x in row) + "\n")

    detect_rows, generate_rows = [], []
    toy_seed = 1
    for seeding, vocab, gamma, delta in LMW_CONFIGS:
        toy_seed += 1
        prompt = rng.integers(0, vocab, size=6).tolist()
        steps = 60 if "selfhash" in seeding or "True" in seeding else 120
        toy_seed, gen, counts, hashes = generate_without_ties(
            lambda: ewp.WatermarkLogitsProcessor(vocab=list(range(vocab)), gamma=gamma, delta=delta,
                                                 seeding_scheme=seeding),
            vocab, toy_seed, prompt, steps, "selfhash" in seeding or "True" in seeding)
        spec_gen = lmw_profile(seeding, vocab, gamma, delta, True)
        generate_rows.append((spec_gen, toy_seed, toks(prompt), steps, toks(gen), toks(counts), " ".join(hashes)))
        for ignore in (True, False):
            det = ewp.WatermarkDetector(vocab=list(range(vocab)), gamma=gamma, delta=delta, seeding_scheme=seeding,
                                        device="cpu", tokenizer=StandInTokenizer(NO_BOS), z_threshold=4.0,
                                        normalizers=[], ignore_repeated_ngrams=ignore)
            for case, seq in test_sequences(rng, vocab, gen):
                r = det.detect(tokenized_text=torch.tensor(seq, dtype=torch.long), return_green_token_mask=True,
                               return_z_at_T=False)
                mask = "".join("1" if g else "0" for g in r["green_token_mask"])
                detect_rows.append((lmw_profile(seeding, vocab, gamma, delta, ignore), case, toks(seq),
                                    int(r["num_tokens_scored"]), int(r["num_green_tokens"]), repr(float(r["z_score"])),
                                    repr(float(r["p_value"])), mask))
    # bos removal of the lm-watermarking detector
    det = ewp.WatermarkDetector(vocab=list(range(50257)), gamma=0.25, seeding_scheme="lefthash", device="cpu",
                                tokenizer=StandInTokenizer(50256), normalizers=[], ignore_repeated_ngrams=True)
    seq = [50256] + rng.integers(0, 50257, size=40).tolist()
    r = det.detect(tokenized_text=torch.tensor(seq, dtype=torch.long), return_green_token_mask=True,
                   return_z_at_T=False)
    detect_rows.append((lmw_profile("lefthash", 50257, 0.25, 2.0, True, bos=50256), "bos", toks(seq),
                        int(r["num_tokens_scored"]), int(r["num_green_tokens"]), repr(float(r["z_score"])),
                        repr(float(r["p_value"])), "".join("1" if g else "0" for g in r["green_token_mask"])))

    for seeding, vocab, gamma, delta, key, width in HF_CONFIGS:
        toy_seed += 1
        wcfg = dict(greenlist_ratio=gamma, bias=delta, hashing_key=key, seeding_scheme=seeding, context_width=width)
        prompt = rng.integers(0, vocab, size=6).tolist()
        steps = 60 if seeding == "selfhash" else 120
        toy_seed, gen, counts, hashes = generate_without_ties(
            lambda: hf["WatermarkLogitsProcessor"](vocab_size=vocab, device="cpu", **wcfg),
            vocab, toy_seed, prompt, steps, seeding == "selfhash")
        spec = hf_profile(seeding, vocab, gamma, delta, key, width)
        generate_rows.append((spec, toy_seed, toks(prompt), steps, toks(gen), toks(counts), " ".join(hashes)))
        for ignore in (False, True):  # True is accepted and, as in the reference, changes nothing
            det = hf["WatermarkDetector"](model_config=StandInModelConfig(vocab, NO_BOS), device="cpu",
                                          watermarking_config=wcfg, ignore_repeated_ngrams=ignore)
            for case, seq in test_sequences(rng, vocab, gen):
                r = det(torch.tensor([seq], dtype=torch.long), return_dict=True)
                detect_rows.append((spec + f",ignore-repeated-ngrams={str(ignore).lower()}", case, toks(seq),
                                    int(r.num_tokens_scored[0]), int(r.num_green_tokens[0]),
                                    repr(float(r.z_score[0])), repr(float(r.p_value[0])), "-"))
    # bos removal of the transformers detector
    wcfg = dict(greenlist_ratio=0.25, bias=2.0, hashing_key=15485863, seeding_scheme="lefthash", context_width=1)
    det = hf["WatermarkDetector"](model_config=StandInModelConfig(50257, 50256), device="cpu",
                                  watermarking_config=wcfg)
    seq = [50256] + rng.integers(0, 50257, size=40).tolist()
    r = det(torch.tensor([seq], dtype=torch.long), return_dict=True)
    detect_rows.append((hf_profile("lefthash", 50257, 0.25, 2.0, 15485863, 1, bos=50256), "bos", toks(seq),
                        int(r.num_tokens_scored[0]), int(r.num_green_tokens[0]), repr(float(r.z_score[0])),
                        repr(float(r.p_value[0])), "-"))

    with open(os.path.join(args.out, "detect.csv"), "w", encoding="utf-8") as f:
        f.write(header + "spec;case;tokens;num_tokens_scored;num_green_tokens;z_score;p_value;green_mask\n")
        for row in detect_rows:
            f.write(";".join(str(x) for x in row) + "\n")
    with open(os.path.join(args.out, "generate.csv"), "w", encoding="utf-8") as f:
        f.write(header + "spec;toy_seed;prompt;steps;tokens;bias_counts;bias_sha256\n")
        for row in generate_rows:
            f.write(";".join(str(x) for x in row) + "\n")

    if args.vllm:
        vrng = np.random.default_rng(20261129)
        detect_rows, generate_rows = vllm_vectors(load_vllm(args.vllm), vrng)
        with open(os.path.join(args.out, "vllm-detect.csv"), "w", encoding="utf-8") as f:
            f.write(header + "spec;case;tokens;num_scored_tokens;score;p_value;p_value_mpmath\n")
            for row in detect_rows:
                f.write(";".join(str(x) for x in row) + "\n")
        with open(os.path.join(args.out, "vllm-generate.csv"), "w", encoding="utf-8") as f:
            f.write(header + "spec;toy_seed;steps;tokens\n")
            for row in generate_rows:
                f.write(";".join(str(x) for x in row) + "\n")


if __name__ == "__main__":
    main()
