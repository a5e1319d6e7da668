#!/usr/bin/env python3
"""Bytes of .text per source file, from a DWARF line table.

Every row of the line table starts a run of instructions that belongs to
one source line (inlined code keeps its own file), so summing each row's
length per file attributes a LTO binary's code to its sources.

    CARGO_PROFILE_RELEASE_DEBUG=2 CARGO_TARGET_DIR=/tmp/probe-dbg \
      cargo build --release --bin footprint-flow
    llvm-dwarfdump --debug-line /tmp/probe-dbg/release/footprint-flow > lines.txt
    python3 footprint/attribute.py lines.txt
"""
import collections
import re
import sys


def rows(text):
    dirs, files, current = {}, {}, None
    for line in text.splitlines():
        if line.startswith("debug_line["):
            dirs, files, current = {}, {}, None
            continue
        m = re.match(r'include_directories\[\s*(\d+)\] = "(.*)"', line)
        if m:
            dirs[int(m.group(1))] = m.group(2)
            continue
        m = re.match(r"file_names\[\s*(\d+)\]:", line)
        if m:
            current = int(m.group(1))
            files[current] = ["", 0]
            continue
        m = re.match(r'\s+name: "(.*)"', line)
        if m and current is not None:
            files[current][0] = m.group(1)
            continue
        m = re.match(r"\s+dir_index: (\d+)", line)
        if m and current is not None:
            files[current][1] = int(m.group(1))
            continue
        m = re.match(r"0x([0-9a-f]+)\s+\d+\s+\d+\s+(\d+)\s+\d+\s+\d+\s*(.*)", line)
        if m:
            name, d = files.get(int(m.group(2)), ("?", 0))
            yield int(m.group(1), 16), dirs.get(d, "") + "/" + name, "end_sequence" in m.group(3)


def main():
    table = sorted(rows(open(sys.argv[1]).read()), key=lambda r: (r[0], r[2]))
    sizes = collections.Counter()
    for (addr, path, end), (next_addr, _, _) in zip(table, table[1:]):
        if not end and 0 <= next_addr - addr < 100_000:
            key = re.sub(r".*/library/", "std:", path)
            key = re.sub(r".*/index\.crates\.io-[^/]+/([^/]+)/.*", r"dep:\1", key)
            sizes[key] += next_addr - addr
    print(f"{sum(sizes.values()):7d} total")
    for key, size in sizes.most_common():
        print(f"{size:7d} {key}")


if __name__ == "__main__":
    main()
