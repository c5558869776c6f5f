#!/usr/bin/env python3
"""An independent, from-the-spec implementation of tracemark's green-list PRF, format v1.

It exists so that a third party can recompute green lists and detection counts without the Java
code: it follows the definition in PrfV1's javadoc and docs/statistics.md, using only the
Python standard library, and checks itself against the committed golden vectors:

    python3 docs/reference/prf_v1.py watermark-core/src/test/resources/golden/v1
"""
import csv, hashlib, hmac, math, struct, sys
from fractions import Fraction

M64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def hkdf_sha256(ikm, salt, info, length):
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & M64


def siphash24(k0, k1, data):
    v0, v1, v2, v3 = k0 ^ 0x736F6D6570736575, k1 ^ 0x646F72616E646F6D, k0 ^ 0x6C7967656E657261, k1 ^ 0x7465646279746573

    def rnd():
        nonlocal v0, v1, v2, v3
        v0 = (v0 + v1) & M64; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
        v2 = (v2 + v3) & M64; v3 = rotl(v3, 16); v3 ^= v2
        v0 = (v0 + v3) & M64; v3 = rotl(v3, 21); v3 ^= v0
        v2 = (v2 + v1) & M64; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)

    n = len(data)
    full = n - n % 8
    for i in range(0, full, 8):
        m = struct.unpack_from("<Q", data, i)[0]
        v3 ^= m; rnd(); rnd(); v0 ^= m
    last = ((n & 0xFF) << 56) | int.from_bytes(data[full:], "little")
    v3 ^= last; rnd(); rnd(); v0 ^= last
    v2 ^= 0xFF
    for _ in range(4):
        rnd()
    return v0 ^ v1 ^ v2 ^ v3


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def fmix64(k):
    k ^= k >> 33; k = (k * 0xFF51AFD7ED558CCD) & M64
    k ^= k >> 33; k = (k * 0xC4CEB9FE1A85EC53) & M64
    return k ^ (k >> 33)


class Prf:
    def __init__(self, secret):
        sub = hkdf_sha256(secret, b"tracemark/hkdf-salt/v1", b"tracemark/v1/kgw/prf", 32)
        self.k0, self.k1, self.kt = struct.unpack_from("<QQQ", sub)

    def tag(self, t):
        return mix64((self.kt + (t + 1) * GOLDEN) & M64)

    @staticmethod
    def header(code, h):
        return b"TMv1" + code.encode() + bytes([h, 0, 0])

    def seed_left(self, ctx):
        return siphash24(self.k0, self.k1, self.header("L", len(ctx)) + b"".join(struct.pack("<i", t) for t in ctx))

    def seed_self(self, ctx, token):
        m = min(self.tag(t) for t in ctx)
        return siphash24(self.k0, self.k1, self.header("S", len(ctx)) + struct.pack("<Q", m) + struct.pack("<i", token))

    def green(self, seed, t, gamma):
        threshold = int(Fraction(gamma) * (1 << 63))  # floor(gamma * 2^63), exact for the double gamma
        return (fmix64(self.tag(t) ^ seed) >> 1) < threshold


KEYS = {
    "counting": bytes(range(32)),
    "ones": b"\xff" * 32,
    "sha256": hashlib.sha256(b"tracemark golden key 3").digest(),
}


def parse_spec(spec):
    p = dict(kv.split("=") for kv in spec.split(":", 1)[1].split(","))
    return float(p.get("gamma", 0.25)), int(p.get("h", 1)), p.get("seeding", "left"), int(p.get("candidates", 40))


def main(d):
    ok = 0
    for row in csv.DictReader(open(f"{d}/keys.csv")):
        secret = KEYS[row["name"]]
        kid = hashlib.sha256(b"tracemark/key-id/v1\0" + secret).hexdigest()[:16]
        com = hashlib.sha256(b"tracemark/key-commitment/v1\0" + secret).hexdigest()
        sub = hkdf_sha256(secret, b"tracemark/hkdf-salt/v1", b"tracemark/v1/kgw/prf", 32).hex()
        assert (kid, com, sub) == (row["key_id"], row["commitment"], row["prf_subkey"]), row["name"]
        ok += 1
    for row in csv.DictReader(open(f"{d}/seeds.csv")):
        prf = Prf(KEYS[row["key"]])
        ctx = [int(x) for x in row["context"].split()]
        s = prf.seed_left(ctx) if row["seeding"] == "left" else prf.seed_self(ctx, int(row["token"]))
        assert f"{s:016x}" == row["seed"], row
        ok += 1
    for row in csv.DictReader(open(f"{d}/greenlists.csv")):
        prf = Prf(KEYS[row["key"]])
        gamma, h, seeding, _ = parse_spec(row["spec"])
        ctx = [int(x) for x in row["context"].split()]
        seed = prf.seed_left(ctx)
        v = int(row["vocab"])
        bitmap = bytearray((v + 7) // 8)
        count = 0
        for t in range(v):
            if prf.green(seed, t, gamma):
                bitmap[t >> 3] |= 1 << (t & 7)
                count += 1
        assert (count, hashlib.sha256(bitmap).hexdigest()) == (int(row["green_count"]), row["bitmap_sha256"]), row
        ok += 1
    for row in csv.DictReader(open(f"{d}/detections.csv")):
        prf = Prf(KEYS[row["key"]])
        gamma, h, seeding, _ = parse_spec(row["spec"])
        toks = [int(x) for x in row["tokens"].split()]
        seen, scored, green = set(), 0, 0
        for i in range(h, len(toks)):
            win, t = toks[i - h:i], toks[i]
            if seeding == "self":
                unit_win = ("min", min(prf.tag(x) for x in win))
            else:
                unit_win = tuple(win)
            unit = {"window+token": (unit_win, t), "window": unit_win, "none": None}[row["dedup"]]
            if unit is not None:
                if unit in seen:
                    continue
                seen.add(unit)
            scored += 1
            seed = prf.seed_self(win, t) if seeding == "self" else prf.seed_left(win)
            green += prf.green(seed, t, gamma)
        assert (scored, green) == (int(row["tuples_scored"]), int(row["green"])), row
        # exact binomial upper tail with rational arithmetic
        g = Fraction(gamma)
        tail = sum(Fraction(math.comb(scored, j)) * g ** j * (1 - g) ** (scored - j) for j in range(green, scored + 1))
        log10p = 0.0 if green == 0 else (math.log10(tail.numerator) - math.log10(tail.denominator))
        assert abs(log10p - float(row["log10p"])) <= 1e-9 * max(1.0, abs(log10p)), (log10p, row["log10p"])
        ok += 1
    print(f"{ok} golden rows recomputed independently: all match")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "watermark-core/src/test/resources/golden/v1")
