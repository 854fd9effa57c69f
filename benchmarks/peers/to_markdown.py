#!/usr/bin/env python3
"""Results of benchmarks/peers/run.sh (hyperfine JSON + GNU time logs) -> markdown table on stdout.

Usage: to_markdown.py RESULTS_DIR
Rows: one per N and scenario; columns: median of kiln, ninja, make, and the ratios kiln/ninja, kiln/make.
Peak RSS rows: 'Maximum resident set size' of /usr/bin/time -v (the largest single process of the build).
"""
import glob
import json
import os
import re
import sys

TOOLS = ('kiln', 'ninja', 'make')
SCENARIOS = (('full', 'full from clean'), ('noop', 'no-op'), ('touch_c', 'touch one .c'),
             ('touch_h', 'touch shared header (h00.h, 50 %)'))
TARGETS = {'full': 1.05, 'noop': 1.5, 'touch_h': 1.2}


def fmt_s(sec):
    if sec is None:
        return '–'
    return f'{sec:.2f} s' if sec >= 1 else f'{sec * 1000:.0f} ms' if sec >= 0.01 else f'{sec * 1000:.1f} ms'


def main():
    d = sys.argv[1]
    med, rss = {}, {}
    for path in glob.glob(os.path.join(d, 'n*-*-*.json')):
        n, tool, scen = re.match(r'n(\d+)-(\w+)-(\w+)\.json$', os.path.basename(path)).groups()
        r = json.load(open(path))['results'][0]
        med[(int(n), scen, tool)] = (r['median'], len(r['times']))
    for path in glob.glob(os.path.join(d, 'n*-*-*.time.txt')):
        n, tool, scen = re.match(r'n(\d+)-(\w+)-(\w+)\.time\.txt$', os.path.basename(path)).groups()
        m = re.search(r'Maximum resident set size \(kbytes\): (\d+)', open(path).read())
        if m:
            rss[(int(n), scen, tool)] = int(m.group(1))
    sizes = sorted({k[0] for k in list(med) + list(rss)})
    print('| N | scenario | kiln | ninja | make | kiln / ninja | target | kiln / make |')
    print('|---|---|---|---|---|---|---|---|')
    for n in sizes:
        for scen, label in SCENARIOS:
            vals = {t: med.get((n, scen, t), (None, 0))[0] for t in TOOLS}
            if all(v is None for v in vals.values()):
                continue
            def ratio(a, b):
                return f'{vals[a] / vals[b]:.2f}' if vals[a] and vals[b] else '–'
            target = TARGETS.get(scen)
            ok = ''
            if target and vals['kiln'] and vals['ninja']:
                ok = (' ✓' if vals['kiln'] / vals['ninja'] <= target else ' ✗')
            print(f'| {n} | {label} | {fmt_s(vals["kiln"])} | {fmt_s(vals["ninja"])} | {fmt_s(vals["make"])} | '
                  f'{ratio("kiln", "ninja")} | {"≤ " + str(target) + ok if target else "–"} | {ratio("kiln", "make")} |')
        for scen, label in (('full', 'peak RSS, full'), ('noop', 'peak RSS, no-op')):
            vals = {t: rss.get((n, scen, t)) for t in TOOLS}
            if all(v is None for v in vals.values()):
                continue
            mb = {t: (f'{v / 1024:.1f} MB' if v else '–') for t, v in vals.items()}
            r1 = f'{vals["kiln"] / vals["ninja"]:.1f}' if vals['kiln'] and vals['ninja'] else '–'
            r2 = f'{vals["kiln"] / vals["make"]:.1f}' if vals['kiln'] and vals['make'] else '–'
            print(f'| {n} | {label} (largest process) | {mb["kiln"]} | {mb["ninja"]} | {mb["make"]} | {r1} | – | {r2} |')
    return 0


if __name__ == '__main__':
    sys.exit(main())
