#!/usr/bin/env python3
"""Test vectors for the .xz decoder (tests/unit/test_xz.c), made with the
host's xz (package xz-utils) from fixed inputs: for each name, NAME.raw is
the input and NAME.xz what xz made of it.  Usage: xz_vectors.py OUTDIR."""
import os
import random
import subprocess
import sys


def text(n):
    """Repetitive text: long matches, short distances."""
    line = b"The quick brown fox jumps over the lazy dog %d times.\n"
    out = bytearray()
    i = 0
    while len(out) < n:
        out += line % (i % 97)
        i += 1
    return bytes(out[:n])


def noise(n, seed):
    """Incompressible: LZMA2 stores it in uncompressed chunks."""
    return random.Random(seed).randbytes(n)


def code(n, seed):
    """Like x86 code: near CALLs and JMPs (E8/E9 with a 32-bit operand whose
    top byte is 00 or FF) among bytes of a small alphabet, and functions
    repeated from far back, beyond one LZMA2 chunk."""
    r = random.Random(seed)
    out = bytearray()
    while len(out) < n:
        k = r.random()
        if k < 0.15:
            rel = r.randint(-0x100000, 0x100000) & 0xFFFFFFFF
            out += bytes([r.choice((0xE8, 0xE9))]) + rel.to_bytes(4, "little")
        elif k < 0.17 and len(out) > 4096:
            start = r.randint(0, len(out) - 2048)
            out += out[start:start + r.randint(16, 2048)]
        elif k < 0.19:
            out += bytes([0xE8, r.randrange(256), 0xE8, 0x00, 0xFF, 0xE9, 0xE8])
        else:
            out += bytes(r.choice(b"\x48\x89\xe5\x8b\x45\xc3\x55\x0f\x85\x00\xff")
                         for _ in range(r.randint(1, 8)))
    return bytes(out[:n])


def mixed(n, seed):
    part = n // 3
    return text(part) + noise(part, seed) + code(n - 2 * part, seed + 1)


# name: (input, xz options)
VECTORS = {
    "empty_crc32": (b"", ["--check=crc32"]),
    "byte_crc64": (b"A", ["--check=crc64"]),
    "text_none": (text(100000), ["--check=none"]),
    "text_x86": (text(100000), ["--check=crc32", "--x86", "--lzma2=dict=1MiB"]),
    "noise_crc32": (noise(300000, 1), ["--check=crc32"]),
    "noise_x86": (noise(70000, 2), ["--check=crc32", "--x86", "--lzma2=dict=1MiB"]),
    "code_x86": (code(3 << 20, 3), ["--check=crc32", "--x86", "--lzma2=dict=1MiB"]),
    "code_x86_start": (code(200000, 4), ["--check=crc64", "--x86=start=4096", "--lzma2"]),
    "mixed_9e_crc64": (mixed(3 << 20, 5), ["--check=crc64", "-9e"]),
    "mixed_blocks": (mixed(500000, 6), ["--check=crc32", "--block-size=65536"]),
    "lc0_lp4_pb4": (code(100000, 7), ["--check=crc32", "--lzma2=lc=0,lp=4,pb=4"]),
    "lc4_lp0_pb0": (code(100000, 8), ["--check=crc32", "--lzma2=lc=4,lp=0,pb=0"]),
    "small_dict": (mixed(200000, 9), ["--check=crc32", "--lzma2=dict=4KiB"]),
    "sha256": (text(1000), ["--check=sha256"]),
    "delta": (text(1000), ["--check=crc32", "--delta=dist=4", "--lzma2"]),
}


def xz(data, options):
    return subprocess.run(["xz", "-T1", "-c"] + options, input=data, stdout=subprocess.PIPE,
                          check=True).stdout


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, (data, options) in VECTORS.items():
        with open(os.path.join(out, name + ".raw"), "wb") as f:
            f.write(data)
        with open(os.path.join(out, name + ".xz"), "wb") as f:
            f.write(xz(data, options))
    # Two streams with stream padding between and after them.
    a, b = text(5000), noise(5000, 10)
    with open(os.path.join(out, "two_streams.raw"), "wb") as f:
        f.write(a + b)
    with open(os.path.join(out, "two_streams.xz"), "wb") as f:
        f.write(xz(a, ["--check=crc32"]) + bytes(8) + xz(b, ["--check=crc64"]) + bytes(4))


if __name__ == "__main__":
    main()
