#!/usr/bin/env python3
"""Instructions per call from a callgrind profile (see BENCHMARKS.md).

Usage: callgrind_per_call.py CALLGRIND_OUT REGEX

For every function whose name matches REGEX, prints its inclusive
instruction count per call and its number of calls, summed over every call
edge into it. The benches call each contender through one named
`#[inline(never)]` function, so `codec::minted_decode` or
`round_trip::ureq_patch` is exactly one operation.
"""
import collections
import re
import sys

names = {}
calls = collections.Counter()
inclusive = collections.Counter()
callee = None
pending = None
with open(sys.argv[1]) as profile:
    for line in profile:
        line = line.rstrip("\n")
        m = re.match(r"^(c?fn)=\((\d+)\)(?: (.*))?$", line)
        if m:
            kind, ident, name = m.groups()
            if name:
                names[ident] = name
            if kind == "cfn":
                callee = ident
            continue
        m = re.match(r"^calls=(\d+)", line)
        if m:
            pending = (callee, int(m.group(1)))
            continue
        if pending:
            fields = line.split()
            if len(fields) >= 2:
                calls[pending[0]] += pending[1]
                inclusive[pending[0]] += int(fields[1])
            pending = None

pattern = re.compile(sys.argv[2])
for ident, count in sorted(calls.items(), key=lambda item: names.get(item[0], "")):
    name = names.get(ident, "?")
    if pattern.search(name):
        print(f"{inclusive[ident] / count:12.0f} Ir/call {count:9d} calls  {name}")
