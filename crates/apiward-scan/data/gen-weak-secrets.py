#!/usr/bin/env python3
"""Regenerate weak-secrets.txt.gz, the word list of the JWT weak-secret check.

Sources (both MIT-licensed, see README.md beside this file):
  - the `zxcvbn` crate (crates.io, 3.1.1; Dropbox's zxcvbn frequency lists): src/frequency_lists.rs
  - the `flask-unsign-wordlist` package (PyPI, 2024.1): flask_unsign_wordlist/wordlists/all.txt

usage: gen-weak-secrets.py ZXCVBN_FREQUENCY_LISTS_RS FLASK_UNSIGN_ALL_TXT
Numbers up to 6 digits are generated at run time, not stored.
"""
import ast, gzip, re, sys

freq, flask = sys.argv[1], sys.argv[2]
lists = dict(re.findall(r'const ([A-Z_]+): &str = "([^"]*)";', open(freq, encoding="utf-8").read()))
out, seen = [], set()

def add(w):
    if not w or len(w) > 256 or "\n" in w or w in seen or w.isdigit() and len(w) <= 6:
        return
    seen.add(w)
    out.append(w)

# Ranked common passwords first, then secrets found in real code, then words and names.
for w in lists["PASSWORDS"].split(","):
    add(w)
for line in open(flask, encoding="utf-8", errors="replace"):
    line = line.strip()
    try:
        v = ast.literal_eval(line) if line[:1] in "\"'" else line
    except (ValueError, SyntaxError):
        v = line
    if isinstance(v, str):
        add(v)
for k in ["ENGLISH_WIKI", "US_TV_AND_FILM", "SURNAMES", "FEMALE_NAMES", "MALE_NAMES"]:
    for w in lists[k].split(","):
        add(w)

data = ("\n".join(out) + "\n").encode("utf-8")
with gzip.GzipFile("weak-secrets.txt.gz", "wb", 9, mtime=0) as f:
    f.write(data)
print(len(out), "secrets,", len(data), "bytes")
