"""The Python benchmark's results as JSON and as a markdown table."""

import os
import statistics
import sys
import time


def percentile(sorted_ns, p):
    """Returns the p-quantile (0..1) of sorted nanoseconds, in microseconds."""
    return sorted_ns[min(len(sorted_ns) - 1, int(len(sorted_ns) * p))] / 1000.0


def summarize(results, cold, args):
    """Returns ``(json document, markdown)`` of ``{(system, kind, pace): [measurement, ...]}``."""
    rows = []
    for (system, kind, pace), reps in results.items():
        rows.append({"system": system, "kind": kind, "pace_ms": pace, "n": len(reps),
                     "p50_us": statistics.median(r["p50_us"] for r in reps),
                     "p99_us": statistics.median(r["p99_us"] for r in reps),
                     "calls": statistics.median(r["n"] for r in reps)})
    date = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    doc = {"machine": {"cores": os.cpu_count(), "python": sys.version.split()[0], "os": os.uname().release,
                       "date": date, "mode": "quick" if args.quick else "full", "reps": args.reps,
                       "payload_chars": args.size},
           "latency_100b_python": rows, "cold_hub_first_2s": cold}
    by = {(r["system"], r["kind"], r["pace_ms"]): r for r in rows}
    lines = ["%s; %d cores, Python %s; %s run, medians of %d repetitions; sequential round trips of "
             "`{\"data\": \"<%d characters>\"}`." % (date, os.cpu_count(), doc["machine"]["python"],
                                                    doc["machine"]["mode"], args.reps, args.size), "",
             "| pace | endpoints | middle | p50 µs | p99 µs | p50 vs nats | p99 vs nats | added at p50 µs |",
             "|---|---|---|---:|---:|---:|---:|---:|"]
    for pace in args.pace:
        direct = by.get(("direct", "raw", pace))
        for kind in args.kinds:
            nats = by.get(("nats", kind, pace))
            for system in sorted({r["system"] for r in rows if r["system"] not in ("nats", "direct")}) + ["nats"]:
                r = by.get((system, kind, pace))
                if r is None:
                    continue
                ratio50 = "%.2f×" % (r["p50_us"] / nats["p50_us"]) if nats and system != "nats" else ""
                ratio99 = "%.2f×" % (r["p99_us"] / nats["p99_us"]) if nats and system != "nats" else ""
                added = "%.0f" % (r["p50_us"] - direct["p50_us"]) if direct and kind == "raw" else ""
                lines.append("| %s | %s | %s | %.0f | %.0f | %s | %s | %s |" % (
                    "back to back" if not pace else "%g ms apart" % pace, kind, system.replace("callmesh", "hub"),
                    r["p50_us"], r["p99_us"], ratio50, ratio99, added))
        if direct:
            lines.append("| %s | raw | none (direct) | %.0f | %.0f | | | |" % (
                "back to back" if not pace else "%g ms apart" % pace, direct["p50_us"], direct["p99_us"]))
    if cold:
        lines += ["", "Fresh hubs, first 2 s of calls (pkg endpoints, no warm-up): " + "; ".join(
            "%d calls, p50 %.0f µs, p99 %.0f µs" % (c["n"], c["p50_us"], c["p99_us"]) for c in cold) + "."]
    return doc, "\n".join(lines) + "\n"
