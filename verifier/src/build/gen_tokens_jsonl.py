#!/usr/bin/env python3
"""Writes the pre-tokenized JSONL corpus used for the end-to-end scale measurement in docs/benchmarks.md.

    python3 verifier/src/build/gen_tokens_jsonl.py tokens100m.jsonl 100000

RECORDS records of 1,000 token ids below 100,277 (cl100k_base): heavy-tailed ranks (u^-2.5), one in four mixed with
seven times the previous rank, so tuples repeat roughly as in text. Seeded: the same file every time. Needs numpy.
"""
import sys

import numpy as np


def main(path, records):
    rng = np.random.default_rng(1)
    vocab = 100277
    with open(path, "w") as f:
        for r in range(records):
            u = rng.random(1000)
            rank = np.minimum(vocab - 1, np.floor(u ** -2.5) - 1).astype(np.int64)
            mix = rng.integers(0, 4, 1000) == 0
            prev = np.roll(rank, 1) * 7
            tokens = np.where(mix, (rank + prev) % vocab, rank % vocab)
            f.write('{"id":"r%d","tokens":[%s]}\n' % (r, ",".join(map(str, tokens.tolist()))))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100000)
