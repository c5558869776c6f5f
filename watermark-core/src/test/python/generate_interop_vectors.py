#!/usr/bin/env python3
"""Generates the interoperability golden vectors under src/test/resources/interop/ from the REAL reference code.

The reference code is not part of tracemark and is never committed; give its location at run time:

  --lmw DIR   a checkout of jwkirchenbauer/lm-watermarking (needs extended_watermark_processor.py,
              alternative_prf_schemes.py, normalizers.py, homoglyphs.py, homoglyph_data/)
  --hf DIR    a checkout of huggingface/transformers (reads src/transformers/generation/logits_process.py
              and watermarking.py; only the classes WatermarkLogitsProcessor, WatermarkDetectorOutput and
              WatermarkDetector are taken from them, by name, with the standard library's ast module)

Requirements: PyTorch (CPU) and SciPy, e.g. Debian's python3-torch and python3-scipy:

  /usr/bin/python3 watermark-core/src/test/python/generate_interop_vectors.py \
      --lmw /path/to/lm-watermarking --hf /path/to/transformers --out watermark-core/src/test/resources/interop

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


if __name__ == "__main__":
    main()
