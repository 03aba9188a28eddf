#!/usr/bin/env python3
"""bench/load.sh's results table, from three Gatling reports' js/stats.json.

Usage: load-table.py TWO.json ONE.json ANCHOR.json CONCURRENCY RAMP_S HOLD_S JOBS_PER_USER IMAGE_BYTES
Prints Markdown: per request kind requests/s, p50/p95/p99 (ms) and errors for two instances behind
nginx and for one instance; then all requests of each run with the ratios to the anchor (nginx
serving the same PNG as a static file, the same users and loop). Gatling's percentile1..3 are
p50, p95 and p99 (bench/gatling/src/test/resources/gatling.conf).
"""
import json
import sys


def num(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def figures(stats):
    s = stats["stats"]
    return {
        "count": int(num(s["numberOfRequests"]["total"])),
        "ko": int(num(s["numberOfRequests"]["ko"])),
        "rps": num(s["meanNumberOfRequestsPerSecond"]["total"]),
        "p50": num(s["percentiles1"]["total"]),
        "p95": num(s["percentiles2"]["total"]),
        "p99": num(s["percentiles3"]["total"]),
    }


def kinds(report):
    return {entry["name"]: figures(entry) for entry in report.get("contents", {}).values()}


def cell(f):
    if f is None:
        return "–", "–", "–"
    errors = f"{f['ko']} of {f['count']}"
    return f"{f['rps']:,.1f}", f"{f['p50']:.0f} / {f['p95']:.0f} / {f['p99']:.0f}", errors


def main():
    two, one, anchor = (json.load(open(path)) for path in sys.argv[1:4])
    concurrency, ramp, hold, jobs, image = sys.argv[4:9]
    print(f"{concurrency} virtual users at the top (ramp {ramp} s, hold {hold} s), each signing in and then "
          f"running {jobs} jobs; image {int(image):,} bytes. Latencies in ms (p50 / p95 / p99).")
    print()
    print("| request kind | 2 instances + nginx: req/s | p50 / p95 / p99 | errors "
          "| 1 instance: req/s | p50 / p95 / p99 | errors |")
    print("|---|---|---|---|---|---|---|")
    two_kinds, one_kinds = kinds(two), kinds(one)
    for name in list(dict.fromkeys(list(two_kinds) + list(one_kinds))):
        a, b = cell(two_kinds.get(name)), cell(one_kinds.get(name))
        print(f"| {name} | {a[0]} | {a[1]} | {a[2]} | {b[0]} | {b[1]} | {b[2]} |")
    print()
    base = figures(anchor)
    print("| all requests | req/s | p50 / p95 / p99 | errors | req/s ÷ anchor | p50 ÷ anchor p50 | p99 ÷ anchor p99 |")
    print("|---|---|---|---|---|---|---|")
    for label, report in (("2 instances behind nginx", two), ("1 instance, direct", one),
                          ("anchor: nginx, static PNG", anchor)):
        f = figures(report)
        c = cell(f)

        def ratio(x, y):
            return f"{x / y:.3f} x" if y and y == y and x == x else "–"

        print(f"| {label} | {c[0]} | {c[1]} | {c[2]} | {ratio(f['rps'], base['rps'])} "
              f"| {ratio(f['p50'], base['p50'])} | {ratio(f['p99'], base['p99'])} |")
    f2, f1 = figures(two), figures(one)
    print()
    print(f"2 instances ÷ 1 instance: {f2['rps'] / f1['rps']:.2f} x the requests/s, "
          f"{f2['p50'] / f1['p50'] if f1['p50'] else float('nan'):.2f} x the p50.")


if __name__ == "__main__":
    main()
