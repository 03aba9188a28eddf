#!/usr/bin/env python3
"""bench/load.sh's results table, from three Gatling reports (their index.html statistics tables).

Usage: load-table.py TWO.html ONE.html ANCHOR.html CONCURRENCY RAMP_S HOLD_S JOBS_PER_USER IMAGE_BYTES
Prints Markdown: per request kind requests/s, p50/p95/p99 (ms) and errors for two instances behind
nginx and for one instance; then all requests of each run with the ratios to the anchor (nginx
serving the same PNG as a static file, the same users and loop); then any errors Gatling listed.
The report's 50th/95th/99th percentile columns come from bench/gatling/src/test/resources/gatling.conf.
"""
import html
import math
import re
import sys

ROW = re.compile(r'<tr id="([^"]+)"[^>]*>(.*?)</tr>', re.S)
NAME = re.compile(r'class="ellipsed-name">([^<]*)<')
COLUMN = re.compile(r'class="value [^"]*col-(\d+)">([^<]*)<')
ERROR = re.compile(r'<td class="error-col-1[^"]*">(.*?)<span.*?<td class="value error-col-2[^"]*">([^<]*)<', re.S)


def num(value):
    try:
        return float(value.replace(",", ""))
    except (AttributeError, ValueError):
        return math.nan


def report(path):
    text = open(path, encoding="utf-8").read()
    rows = {}
    for row_id, body in ROW.findall(text):
        name = NAME.search(body)
        cols = dict(COLUMN.findall(body))
        if not name or "2" not in cols:
            continue
        rows[html.unescape(name.group(1))] = {
            "count": int(num(cols.get("2"))), "ko": int(num(cols.get("4"))), "rps": num(cols.get("6")),
            "p50": num(cols.get("8")), "p95": num(cols.get("9")), "p99": num(cols.get("10"))}
    errors = [(html.unescape(e.strip()), c) for e, c in ERROR.findall(text)]
    return rows, errors


def cell(f):
    if f is None:
        return "–", "–", "–"
    return f"{f['rps']:,.1f}", f"{f['p50']:.0f} / {f['p95']:.0f} / {f['p99']:.0f}", f"{f['ko']} of {f['count']:,}"


def ratio(x, y):
    return f"{x / y:.3g} x" if y and not math.isnan(x) and not math.isnan(y) else "–"


def main():
    (two, two_errors), (one, one_errors), (anchor, anchor_errors) = (report(p) for p in sys.argv[1:4])
    concurrency, ramp, hold, jobs, image = sys.argv[4:9]
    print(f"{concurrency} virtual users at the top (ramp {ramp} s, hold {hold} s), each signing in and then "
          f"running {jobs} jobs; image {int(image):,} bytes. Latencies in ms.")
    print()
    print("| request kind | 2 instances + nginx: req/s | p50 / p95 / p99 | errors "
          "| 1 instance: req/s | p50 / p95 / p99 | errors |")
    print("|---|---|---|---|---|---|---|")
    for name in dict.fromkeys([n for n in list(two) + list(one) if n != "All Requests"]):
        a, b = cell(two.get(name)), cell(one.get(name))
        print(f"| {name} | {a[0]} | {a[1]} | {a[2]} | {b[0]} | {b[1]} | {b[2]} |")
    print()
    base = anchor["All Requests"]
    print("| all requests | req/s | p50 / p95 / p99 | errors | req/s ÷ anchor | p50 ÷ anchor | p99 ÷ anchor |")
    print("|---|---|---|---|---|---|---|")
    for label, rows in (("2 instances behind nginx", two), ("1 instance, direct", one),
                        ("anchor: nginx, static PNG", anchor)):
        f = rows["All Requests"]
        c = cell(f)
        print(f"| {label} | {c[0]} | {c[1]} | {c[2]} | {ratio(f['rps'], base['rps'])} "
              f"| {ratio(f['p50'], base['p50'])} | {ratio(f['p99'], base['p99'])} |")
    f2, f1 = two["All Requests"], one["All Requests"]
    print()
    print(f"2 instances ÷ 1 instance: {ratio(f2['rps'], f1['rps'])} the requests/s, "
          f"{ratio(f2['p50'], f1['p50'])} the p50, {ratio(f2['p99'], f1['p99'])} the p99.")
    for label, errors in (("2 instances", two_errors), ("1 instance", one_errors), ("anchor", anchor_errors)):
        for message, count in errors:
            print(f"- errors, {label}: {message} ({count})")


if __name__ == "__main__":
    main()
