#!/usr/bin/env python3
"""Summarizes a JFR recording's CPU samples: hottest methods by self time and by inclusive time.
Usage: jfr-top.py RECORDING.jfr [THREAD_SUBSTRING]   (default: every thread)"""
import collections, re, subprocess, sys

jfr, thread = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "")
text = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", jfr],
                      capture_output=True, text=True, check=True).stdout
self_counts, incl_counts, total = collections.Counter(), collections.Counter(), 0
for event in text.split("jdk.ExecutionSample")[1:]:
    m = re.search(r'sampledThread = "([^"]*)"', event)
    if not m or thread not in m.group(1):
        continue
    frames = [re.sub(r"\s+line:.*", "", f.strip()) for f in
              event.split("stackTrace = [", 1)[1].split("]\n", 1)[0].splitlines() if f.strip() and f.strip() != "..."]
    if not frames:
        continue
    total += 1
    self_counts[frames[0]] += 1
    for f in set(frames):
        incl_counts[f] += 1
print(f"{total} samples on threads matching '{thread}'")
for title, counts in (("self", self_counts), ("inclusive (callmesh, vert.x, jackson, netty, logback)", incl_counts)):
    print(f"\n-- top by {title}")
    shown = 0
    for f, n in counts.most_common():
        if title != "self" and not re.match(r"(dev\.callmesh|io\.vertx|com\.fasterxml|io\.netty|ch\.qos)", f):
            continue
        print(f"{100.0 * n / total:5.1f}%  {f}")
        shown += 1
        if shown == 25:
            break
