#!/usr/bin/env python3
"""Bytes of .text per source file, from a DWARF line table.

Every row of the line table starts a run of instructions that belongs to
one source line (inlined code keeps its own file), so summing each row's
length per file attributes a LTO binary's code to its sources.

    CARGO_PROFILE_RELEASE_DEBUG=2 CARGO_TARGET_DIR=/tmp/probe-dbg \
      cargo build --release --bin footprint-flow
    llvm-dwarfdump --debug-line /tmp/probe-dbg/release/footprint-flow > lines.txt
    python3 footprint/attribute.py lines.txt

With `--callers BINARY`, code inlined from another crate (the `core`
library's helpers, heapless) is charged to the function of ours it was
inlined into, using `llvm-symbolizer --inlining`; that says which of our
functions the bytes belong to:

    python3 footprint/attribute.py lines.txt --callers /tmp/probe-dbg/release/footprint-flow
"""
import collections
import re
import subprocess
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


def short(path):
    key = re.sub(r".*/library/", "std:", path)
    key = re.sub(r".*/index\.crates\.io-[^/]+/([^/]+)/.*", r"dep:\1", key)
    return re.sub(r"^(.*/core/)?src/", "", key)


def ours(location):
    """Whether a `file:line:column` is in this repository's crates."""
    return "/index.crates.io-" not in location and "/library/" not in location and "/rustc/" not in location


def callers(binary, runs):
    """Each run's innermost frame of ours (file and function)."""
    out = subprocess.run(
        ["llvm-symbolizer", "--inlining", "--functions=linkage", "-C", "--obj=" + binary],
        input="\n".join(hex(addr) for addr, _ in runs), capture_output=True, text=True,
        check=True).stdout
    for block in out.strip("\n").split("\n\n"):
        lines = block.split("\n")
        frames = list(zip(lines[0::2], lines[1::2]))
        frame = next((f for f in frames if ours(f[1])), frames[-1] if frames else ("?", "?"))
        yield short(re.sub(r":\d+(:\d+)?$", "", frame[1])), re.sub(r"::h[0-9a-f]{16}$", "", frame[0])


def main():
    table = sorted(rows(open(sys.argv[1]).read()), key=lambda r: (r[0], r[2]))
    runs = [(addr, next_addr - addr)
            for (addr, path, end), (next_addr, _, _) in zip(table, table[1:])
            if not end and 0 <= next_addr - addr < 100_000]
    sizes = collections.Counter()
    if len(sys.argv) == 4 and sys.argv[2] == "--callers":
        functions = collections.Counter()
        for (_, size), (path, function) in zip(runs, callers(sys.argv[3], runs)):
            sizes[path] += size
            functions[function] += size
        for function, size in functions.most_common(25):
            print(f"{size:7d} {function}")
        print()
    else:
        paths = {addr: path for addr, path, _ in table}
        for addr, size in runs:
            sizes[short(paths[addr])] += size
    print(f"{sum(sizes.values()):7d} total")
    for key, size in sizes.most_common():
        print(f"{size:7d} {key}")


if __name__ == "__main__":
    main()
