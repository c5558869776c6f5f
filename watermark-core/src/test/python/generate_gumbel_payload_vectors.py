#!/usr/bin/env python3
"""Known answers of the Gumbel-family payload (`gumbel:h=…,payload=b,symbol-bits=r`, format v1), computed from its
definition (GumbelWatermark's javadoc, docs/payload.md "The Gumbel family") with the independent PRF primitives of
docs/reference/prf_v1.py (standard library only); GumbelPayloadTest.formatV1KnownAnswers holds the printed values:

    /usr/bin/python3 watermark-core/src/test/python/generate_gumbel_payload_vectors.py

For the key "counting" (bytes 0..31) and `gumbel:h=2,payload=12,symbol-bits=3` (L = 4 symbols of 8 values): per
context the seed S, the symbol position p, and for tokens 0, 1, 2, 99999 and values v = 0 and 5 the PRF word of the
token under the seed S_v of value v.
"""
import os, struct, sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "docs", "reference"))
import prf_v1  # noqa: E402

M64 = (1 << 64) - 1
ALLOCATION = 0xA5A5A5A5A5A5A5A5
SHIFT = 0x9E3779B97F4A7C15


def main():
    secret = prf_v1.KEYS["counting"]
    sub = prf_v1.hkdf_sha256(secret, b"tracemark/hkdf-salt/v1", b"tracemark/v1/gumbel-payload/prf", 32)
    k0, k1, kt = struct.unpack_from("<QQQ", sub)
    h, symbols = 2, 4
    for ctx in ([0, 1], [17, 50256], [1000, 7]):
        header = b"TMv1Q" + bytes([h, 0, 0])
        s = prf_v1.siphash24(k0, k1, header + b"".join(struct.pack("<i", t) for t in ctx))
        p = ((prf_v1.fmix64(s ^ ALLOCATION) >> 32) * symbols) >> 32
        words = []
        for v in (0, 5):
            sv = prf_v1.fmix64(s ^ (((v + 1) * SHIFT) & M64))
            for t in (0, 1, 2, 99999):
                tag = prf_v1.mix64((kt + (t + 1) * prf_v1.GOLDEN) & M64)
                words.append("0x%016xL" % prf_v1.fmix64(tag ^ sv))
        print("context %s: seed 0x%016xL, position %d, words %s" % (ctx, s, p, ", ".join(words)))


if __name__ == "__main__":
    main()
