#!/usr/bin/env python3
"""Writes the embedded Fashion-MNIST subset: the first 10,000 training and first 2,000 test
images (file order) of Debian's dataset-fashion-mnist, as gzipped IDX files.

    python3 data/make_subset.py /usr/share/datasets/fashion-mnist data/fashion-mnist-subset
"""
import gzip
import struct
import sys

SIZES = {"train": 10_000, "t10k": 2_000}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    rank = data[3]
    shape = list(struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank]))
    return data[:4], shape, data[4 + 4 * rank:]


def write_idx(path, magic, shape, payload):
    header = magic + struct.pack(">" + "I" * len(shape), *shape)
    # mtime=0 keeps the file byte-identical between runs.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as f:
        f.write(header + payload)


def main(source, target):
    for prefix, count in SIZES.items():
        for kind in ("images-idx3-ubyte", "labels-idx1-ubyte"):
            magic, shape, payload = read_idx(f"{source}/{prefix}-{kind}.gz")
            per_item = len(payload) // shape[0]
            shape[0] = count
            write_idx(f"{target}/{prefix}-{kind}.gz", magic, shape, payload[: count * per_item])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
