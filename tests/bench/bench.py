#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Créneaux benchmark harness: runs every benchmark beside its baseline, several times,
checks the targets of issue 8 and writes docs/PERFORMANCE.md and docs/performance.json.

Run through build-aux/bench, which builds the release tree and starts this under Xvfb.
Each program prints `BENCH {json}` lines (tests/bench/bench-util.c); the layers' benchmarks
that print text only (bench-store, bench-expand) are read with patterns below. The layers'
benchmarks are found with `meson introspect --benchmarks` (suite "bench").
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import threading

APP_MODE = 'creneaux --store <practice data set> --exit-after-first-frame'

# Environment variables of the shared test environment that slow a program down on purpose.
SLOW_ENV = ('MALLOC_CHECK_', 'G_DEBUG', 'G_SLICE')


def log(*args):
    print('bench:', *args, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------- running

class Runner:
    def __init__(self, build, top, env):
        self.build = build
        self.top = top
        self.env = env
        self.outputs = {}        # program -> last stdout (kept in the JSON)
        self.failures = []       # (program, message)

    def run(self, key, cmd, env=None, timeout=900):
        """Runs cmd; returns (stdout, None), or (None, None) on failure (noted)."""
        full_env = dict(self.env)
        if env:
            full_env.update(env)
        for name in SLOW_ENV:
            full_env.pop(name, None)
        log('running', ' '.join(shlex.quote(c) for c in cmd))
        try:
            proc = subprocess.run(cmd, env=full_env, capture_output=True, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            self.failures.append((key, f'timed out after {timeout} s'))
            return None, None
        except OSError as e:
            self.failures.append((key, str(e)))
            return None, None
        if proc.returncode != 0:
            tail = ' / '.join((proc.stderr or '').strip().splitlines()[-4:])
            self.failures.append((key, f'exit status {proc.returncode}: {tail}'))
            return None, None
        self.outputs[key] = proc.stdout
        return proc.stdout, None

    def run_rusage(self, key, cmd, env=None, timeout=120):
        """Runs cmd and returns (stdout, peak RSS in KiB) measured by the kernel (wait4)."""
        full_env = dict(self.env)
        if env:
            full_env.update(env)
        for name in SLOW_ENV:
            full_env.pop(name, None)
        out_r, out_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(out_r)
                os.dup2(out_w, 1)
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 2)
                os.execvpe(cmd[0], cmd, full_env)
            finally:
                os._exit(127)
        os.close(out_w)
        killer = threading.Timer(timeout, os.kill, (pid, 9))
        killer.start()
        with os.fdopen(out_r, 'r') as stream:
            chunks = stream.readlines()
        _, status, usage = os.wait4(pid, 0)
        killer.cancel()
        out = ''.join(chunks)
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            self.failures.append((key, f'wait status {status}'))
            return None, None
        self.outputs[key] = out
        return out, usage.ru_maxrss


# ---------------------------------------------------------------------------------- parsing

BENCH_LINE = re.compile(r'^BENCH (\{.*\})\s*$', re.M)


def parse_bench_lines(text):
    found = []
    for m in BENCH_LINE.finditer(text or ''):
        try:
            found.append(json.loads(m.group(1)))
        except json.JSONDecodeError:
            log('unreadable BENCH line:', m.group(0)[:120])
    return found


STORE_QUERY = re.compile(
    r'^\s*(?P<what>.+?)\s+median\s+(?P<median>[\d.]+) ms\s+min\s+(?P<min>[\d.]+)\s+'
    r'max\s+(?P<max>[\d.]+)\s+\|\s+bare\s+(?P<bare>[\d.]+) ms', re.M)
STORE_INSERT = re.compile(r'^\s*(store slots|store bookings|bare table)\s+([\d.]+) ms\s+([\d.]+) rows/s',
                          re.M)


def parse_bench_store(text):
    """bench-store prints text only: its query lines and insert lines."""
    found = []
    ids = {'week view': 'store.week', 'monthly figures, whole practice': 'store.figures-month',
           'monthly figures, one GP': 'store.figures-month-gp'}
    base_ids = {'store.week': 'baseline.sqlite-week', 'store.figures-month': 'baseline.sqlite-month',
                'store.figures-month-gp': 'baseline.sqlite-month'}
    for m in STORE_QUERY.finditer(text or ''):
        what = m.group('what')
        key = next((v for k, v in ids.items() if what.startswith(k)), None)
        if key is None:
            continue
        found.append({'id': key, 'p50_ms': float(m.group('median')),
                      'min_ms': float(m.group('min')), 'max_ms': float(m.group('max'))})
        if not any(r['id'] == base_ids[key] for r in found):
            found.append({'id': base_ids[key], 'p50_ms': float(m.group('bare'))})
    inserts = {m.group(1): (float(m.group(2)), float(m.group(3)))
               for m in STORE_INSERT.finditer(text or '')}
    if {'store slots', 'store bookings', 'bare table'} <= set(inserts):
        found.append({'id': 'store.insert', 'total_ms': inserts['store slots'][0] + inserts['store bookings'][0],
                      'rows_per_s': 15000 / ((inserts['store slots'][0] + inserts['store bookings'][0]) / 1000)})
        found.append({'id': 'baseline.sqlite-insert', 'total_ms': inserts['bare table'][0],
                      'rows_per_s': inserts['bare table'][1]})
    return found


EXPAND = re.compile(r'^expand median:\s+([\d.]+) ms.*?^baseline median:\s+([\d.]+) ms', re.M | re.S)


def parse_bench_expand(text):
    m = EXPAND.search(text or '')
    if not m:
        return []
    return [{'id': 'core.expand', 'p50_ms': float(m.group(1))},
            {'id': 'baseline.alloc-slots', 'p50_ms': float(m.group(2))}]


SERVER_SAS = re.compile(r'^SAS search \(.*?\)\s+p50\s+([\d.]+) ms\s+p99\s+([\d.]+) ms\s+([\d.]+) req/s',
                        re.M)
SERVER_HELLO = re.compile(r'^bare libsoup "hello" \(baseline\)\s+p50\s+([\d.]+) ms\s+p99\s+([\d.]+) ms'
                          r'\s+([\d.]+) req/s', re.M)
SERVER_BOOK = re.compile(r'^Booking, (\d+) clients at once \((\d+) requests\): p50 ([\d.]+) ms\s+'
                         r'p99 ([\d.]+) ms(?:.*?([\d.]+) req/s)?', re.M)


def parse_bench_server(text):
    """bench-server prints text only (tests/server/bench-server.c)."""
    found = []
    m = SERVER_SAS.search(text or '')
    if m:
        found.append({'id': 'server.sas-search', 'p50_ms': float(m.group(1)),
                      'p99_ms': float(m.group(2)), 'per_s': float(m.group(3))})
    m = SERVER_HELLO.search(text or '')
    if m:
        found.append({'id': 'server.baseline.hello', 'p50_ms': float(m.group(1)),
                      'p99_ms': float(m.group(2)), 'per_s': float(m.group(3))})
    m = SERVER_BOOK.search(text or '')
    if m:
        record = {'id': 'server.booking-32', 'clients': int(m.group(1)),
                  'requests': int(m.group(2)), 'p50_ms': float(m.group(3)),
                  'p99_ms': float(m.group(4))}
        if m.group(5):
            record['per_s'] = float(m.group(5))
        found.append(record)
    return found


# One figure per line of bench-sync's output: (id, field, pattern of the line).
SYNC_LINES = (
    ('sync.baseline.https', 'p50_ms',
     re.compile(r'^Bare loopback HTTPS round trip.*?:\s+([\d.]+) ms', re.M)),
    ('sync.initial', 'total_ms', re.compile(r'^Initial sync of the year:\s+([\d.]+) ms', re.M)),
    ('sync.no-change', 'p50_ms', re.compile(r'^No-change sync.*?:\s+([\d.]+) ms', re.M)),
    ('sync.baseline.https-in-turn', 'p50_ms',
     re.compile(r'^Bare round trip taken in turn with the no-change sync.*?:\s+([\d.]+) ms', re.M)),
    ('sync.no-change.client-get', 'p50_ms',
     re.compile(r'^Of which a conditional GET.*?:\s+([\d.]+) ms', re.M)))
SYNC_LIVE = re.compile(r'^Booking on the server to row in the store, over (\d+) bookings: '
                       r'p50 ([\d.]+) ms.*?p99 ([\d.]+) ms', re.M)


def parse_bench_sync(text):
    """bench-sync prints text only (tests/sync/bench-sync.c)."""
    found = []
    for rid, field, pattern in SYNC_LINES:
        m = pattern.search(text or '')
        if m:
            found.append({'id': rid, field: float(m.group(1))})
    m = SYNC_LIVE.search(text or '')
    if m:
        found.append({'id': 'sync.booking-to-store', 'n': int(m.group(1)),
                      'p50_ms': float(m.group(2)), 'p99_ms': float(m.group(3))})
    return found


FHIR_LINES = (('fhir.sas-answer-build', re.compile(r'^\s*build \+ serialise:\s+([\d.]+) ms', re.M)),
              ('fhir.sas-answer-parse', re.compile(r'^\s*parse JSON:\s+([\d.]+) ms', re.M)),
              ('fhir.sas-answer-read', re.compile(r'^\s*read \d+ slots:\s+([\d.]+) ms', re.M)))


def parse_bench_fhir(text):
    """bench-fhir prints text only (tests/fhir/bench-fhir.c): one SAS answer's costs."""
    found = []
    for rid, pattern in FHIR_LINES:
        m = pattern.search(text or '')
        if m:
            found.append({'id': rid, 'total_ms': float(m.group(1))})
    return found


TEXT_PARSERS = {'bench-store': parse_bench_store, 'bench-expand': parse_bench_expand,
                'bench-server': parse_bench_server, 'bench-sync': parse_bench_sync,
                'bench-fhir': parse_bench_fhir}


# ---------------------------------------------------------------------------------- figures

class Figures:
    """Per (measure id, field): the values of every run."""

    def __init__(self):
        self.values = {}
        self.extra = {}

    def add(self, source, record, scale=None):
        rid = record.get('id')
        if not rid:
            return
        if scale is None:
            scale = record.get('scale')
        key = rid if scale in (None, 1) else f'{rid}@{scale}x'
        for field, value in record.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool) and field != 'scale':
                self.values.setdefault(key, {}).setdefault(field, []).append(float(value))
            elif field not in ('id',):
                self.extra.setdefault(key, {})[field] = value
        self.extra.setdefault(key, {})['source'] = source

    def has(self, key, field):
        return bool(self.values.get(key, {}).get(field))

    def stat(self, key, field):
        vals = self.values.get(key, {}).get(field)
        if not vals:
            return None
        return {'median': statistics.median(vals), 'min': min(vals), 'max': max(vals),
                'runs': len(vals)}

    def as_json(self):
        out = {}
        for key, fields in sorted(self.values.items()):
            out[key] = {f: {**self.stat(key, f), 'values': v} for f, v in sorted(fields.items())}
            if key in self.extra:
                out[key]['info'] = self.extra[key]
        return out


def fmt(value, unit='ms'):
    if value is None:
        return '—'
    if unit == 'ms':
        if value >= 100:
            return f'{value:.0f} ms'
        if value >= 10:
            return f'{value:.1f} ms'
        return f'{value:.2f} ms' if value >= 0.1 else f'{value:.3f} ms'
    if unit == 'MiB':
        return f'{value / 1024:.1f} MiB'
    if unit == '/s':
        return f'{value:.0f}/s'
    return f'{value:g} {unit}'


def fmt_stat(stat, unit='ms'):
    if stat is None:
        return 'not measured'
    if stat['runs'] == 1:
        return fmt(stat['median'], unit)
    return f"{fmt(stat['median'], unit)} ({fmt(stat['min'], unit)}–{fmt(stat['max'], unit)})"


# ---------------------------------------------------------------------------------- the table

def first_of(figures, keys, field):
    for key in keys:
        if figures.has(key, field):
            return key, figures.stat(key, field)
    return None, None


def build_rows(figures, app_mode):
    """The issue's table: one dict per measure with figure, baseline, ratio, target, verdict."""
    rows = []

    def row(measure, fig, base, unit, target, check, note='', base_unit=None, source=None):
        ratio = None
        if fig and base and base['median'] > 0:
            ratio = fig['median'] / base['median']
        verdict = 'NOT MEASURED'
        if fig is not None:
            verdict = check(fig, ratio) if check else 'REPORTED'
        rows.append({'measure': measure, 'figure': fig, 'baseline': base, 'unit': unit,
                     'base_unit': base_unit or unit, 'ratio': ratio, 'target': target,
                     'verdict': verdict, 'note': note, 'source': source})

    def ratio_at_most(limit):
        return lambda fig, ratio: ('NOT MEASURED' if ratio is None
                                   else 'PASS' if ratio <= limit else 'MISSED')

    def value_at_most(field_limit):
        return lambda fig, ratio: 'PASS' if fig['median'] <= field_limit else 'MISSED'

    app_note = (f'`{app_mode}`: the practice data set (10 GPs, one year, 10,000 slots, 5,000 '
                'bookings, written by `bench-store-growth --write-practice`) opened with the '
                'hidden --store option; baseline: tests/bench/bench-empty-window, run just '
                'before it.')
    row('app start to first painted frame', figures.stat('app.first-frame', 'ms'),
        figures.stat('baseline.empty-window.first-frame', 'ms'), 'ms',
        '≤ 1.15 ×', ratio_at_most(1.15), app_note)
    row('app resident memory after first frame', figures.stat('app.rss', 'kib'),
        figures.stat('baseline.empty-window.rss', 'kib'), 'MiB',
        '≤ 1.3 ×', ratio_at_most(1.3), app_note + ' Peak RSS (wait4) of each process.')
    row('switch to next week (layout + paint), p95', figures.stat('week-switch', 'p95_ms'), None,
        'ms', '≤ 16 ms p95', value_at_most(16.0),
        'The real week page on the practice data set (10 GPs, a year), action + next frame.')

    _, sync_initial = first_of(figures, ['sync.initial'], 'total_ms')
    _, rtt_keep = first_of(figures, ['sync.baseline.https', 'baseline.https-keepalive'], 'p50_ms')
    row('initial sync of the practice year over loopback TLS', sync_initial, rtt_keep, 'ms',
        '≤ 1 s', value_at_most(1000.0), 'Baseline: one bare HTTPS round trip to the same server (bench-sync\'s own).',
        source="the sync's benchmark (tests/sync)")
    _, sync_nochange = first_of(figures, ['sync.no-change'], 'p50_ms')
    rtt_turn_key, rtt_turn = first_of(figures, ['sync.baseline.https-in-turn',
                                                'sync.baseline.https',
                                                'baseline.https-keepalive'], 'p50_ms')
    row('no-change sync', sync_nochange, rtt_turn, 'ms', '≤ 2 ×', ratio_at_most(2.0),
        ('Baseline: a bare HTTPS round trip to the same server on a kept-alive connection, '
         'taken in turn with each sync (sync, round trip, sync…), so that both see the same '
         'moment; the ratio against the round trip measured back to back, with every cache '
         'warm for that one request, is under "Other figures".'
         if rtt_turn_key == 'sync.baseline.https-in-turn' else
         'Baseline: one bare HTTPS round trip to the same server (bench-sync\'s own; '
         'a new connection with its TLS handshake is under "Other figures").'),
        source="the sync's benchmark (tests/sync)")
    _, sync_live = first_of(figures, ['sync.booking-to-store'], 'p99_ms')
    _, ws = first_of(figures, ['sync.baseline.websocket', 'baseline.websocket'], 'p99_ms')
    row('booking on server → row in app store, 200 bookings, p99', sync_live, ws, 'ms',
        'p99 ≤ 300 ms', value_at_most(300.0), 'Baseline: bare secure WebSocket message, p99.',
        source="the sync's benchmark (tests/sync)")
    _, sas = first_of(figures, ['server.sas-search'], 'p99_ms')
    _, hello = first_of(figures, ['server.baseline.hello', 'baseline.hello'], 'p99_ms')
    row('SAS slot search, 25 RPPS, 72 h, CPTS data set, p99', sas, hello, 'ms', 'p99 ≤ 50 ms',
        value_at_most(50.0), 'Baseline: bare libsoup "hello" handler over TLS in bench-server; both p99 of 300 requests sent one at a time.',
        source="the server's benchmark (tests/server)")
    _, book_rps = first_of(figures, ['server.booking-32'], 'per_s')
    _, hello_rps = first_of(figures, ['server.baseline.hello-32', 'baseline.hello-32'], 'per_s')
    row('concurrent bookings, 32 clients (requests/s)', book_rps, hello_rps, '/s', 'report',
        None, 'Each of 32 clients sends its next POST /fhir/Appointment when its last is '
        'answered (512 in all, on 1,000 free slots, so some are refused as taken). Baseline: '
        'bench-server\'s bare libsoup handler over TLS under the same 32 clients.',
        source="the server's benchmark (tests/server)")
    _, book_p99 = first_of(figures, ['server.booking-32'], 'p99_ms')
    _, hello_p99 = first_of(figures, ['server.baseline.hello-32', 'baseline.hello-32'], 'p99_ms')
    row('concurrent bookings, 32 clients (p99)', book_p99, hello_p99, 'ms', 'report', None,
        'Baseline: bench-server\'s bare libsoup handler over TLS under 32 clients, p99.',
        source="the server's benchmark (tests/server)")
    row('store: week query, 10 GPs', figures.stat('store.week', 'p50_ms'),
        figures.stat('baseline.sqlite-week', 'p50_ms'), 'ms', 'report ratio', None,
        'bench-store, median of its 200 queries; baseline: the same select on a bare table.')
    row('store: monthly figures, whole practice', figures.stat('store.figures-month', 'p50_ms'),
        figures.stat('baseline.sqlite-month', 'p50_ms'), 'ms', 'report ratio', None,
        'Baseline: count and sum over the month on a bare table.')
    return rows


def fit_growth(points):
    """points: [(scale, ms)]. Least-squares fits of t = a + b·log2(s) and t = a + b·s, and the
    exponent k of t ∝ s^k. Returns a dict with the verdict."""
    if len(points) < 3 or any(t <= 0 for _, t in points):
        return None
    xs_log = [math.log2(s) for s, _ in points]
    xs_lin = [float(s) for s, _ in points]
    ys = [t for _, t in points]

    def r2(xs):
        mx, my = statistics.fmean(xs), statistics.fmean(ys)
        sxx = sum((x - mx) ** 2 for x in xs)
        if sxx == 0:
            return 0.0, 0.0
        b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
        a = my - b * mx
        ss_res = sum((y - (a + b * x)) ** 2 for x, y in zip(xs, ys))
        ss_tot = sum((y - my) ** 2 for y in ys)
        return (1 - ss_res / ss_tot if ss_tot > 0 else 1.0), b

    r2_log, _ = r2(xs_log)
    r2_lin, _ = r2(xs_lin)
    lx = [math.log(s) for s, _ in points]
    ly = [math.log(t) for _, t in points]
    mx, my = statistics.fmean(lx), statistics.fmean(ly)
    k = sum((x - mx) * (y - my) for x, y in zip(lx, ly)) / sum((x - mx) ** 2 for x in lx)
    if k < 0.3:
        verdict = 'logarithmic or flatter'
    elif k < 0.75:
        verdict = 'sub-linear, steeper than logarithmic'
    else:
        verdict = 'linear or worse'
    return {'exponent': k, 'r2_log': r2_log, 'r2_linear': r2_lin, 'verdict': verdict,
            'better_fit': 'log' if r2_log >= r2_lin else 'linear'}


# ---------------------------------------------------------------------------------- writing

MISSED_HINTS = {
    'app start to first painted frame':
        'Both processes are measured one after the other on a machine whose load changes '
        'from second to second, so the ratio moves by tens of percent between runs (see '
        'min–max). Before its first frame the app now builds only what that frame shows, '
        'the header bar with its view switcher and the Week page: the other pages, the '
        'first-run pages, the bottom view switcher\'s buttons and the shortcuts window are '
        'built when first needed, and the agenda file is opened after the frame (the week '
        'follows a moment later). What is left over the empty window is that content itself '
        '(the week grid\'s texts, the legend, the header\'s buttons and icons; under callgrind '
        'about 815 M instructions to the first frame against 646 M), more libraries to link '
        '(libsoup, libsecret, SQLite, json-glib) and more memory to fault in.',
    'app resident memory after first frame':
        'Compare `massif` (valgrind --tool=massif) of the app and of the empty window: look '
        'for data loaded before the first frame that the visible week does not need.',
    'switch to next week (layout + paint), p95':
        'The action (query + tiles) is about a millisecond and the frame\'s own CPU time a '
        'few (see "CPU time of the next frame" below: tiles with square corners, so that '
        'cairo fills rectangles instead of rasterising paths, and laid-out texts shared '
        'across switches); the wall time of the frame is that CPU time stretched by the '
        'wait for a CPU on the shared machine, plus a round trip to the X server that GTK '
        'makes at each relayout of the window (the week title\'s label). The CPU time '
        'alone (action p95 plus frame p95, below) fits in the target; the wall time will '
        'only on a machine that is not shared (not measured here). Next: keep the week '
        'title from relayouting the whole window, and draw the tiles\' backgrounds in the '
        'week view\'s own snapshot instead of one CSS box per tile.',
    'initial sync of the practice year over loopback TLS':
        'One search over the three types, 500 rows a page, each page one store transaction; '
        'the server writes Slots and Appointments straight to text; the app reads each page '
        'into rows in a worker thread and asks for the next page as soon as one arrives (its '
        'Link header), and reads the CA file once per client. The runs spread widely (see '
        'min-max): on two cores the server writing a page, the app reading the next one and '
        'the store writing the one before compete for the CPU. Profiled (perf, and probes '
        'around each stage): the server uses about a tenth of the CPU; in the app, reading '
        'the pages is the longest stage and most of it is json-glib\'s parser building its '
        'tree (about four fifths, the rest our walk of it), before the store\'s inserts. Two '
        'pages are now read at once; that only helps when a second core is free, so the '
        'figure depends on what else the machine runs. The strings of a page are now read '
        'without writing out their paths (callgrind: the reading thread -3 %). Measured in '
        'the eighth session: the same initial sync with G_SLICE=always-malloc took about a '
        'fifth less CPU in the app (1.78-1.89 s against 2.24-2.32 s under load): GLib 2.74\'s '
        'slice allocator, which json-glib\'s nodes and GLib\'s hash tables use, costs that '
        'much more than malloc for a tree built and freed per page (GLib 2.76 dropped it for '
        'malloc). It can only be chosen in the environment before the process starts, not '
        'from main(). Next: less JSON per row (the bundle entries repeat long extension '
        'URLs), or a parser that does not build a tree.',
    'no-change sync':
        'A conditional request now: the app sends the ETag of its last pull as If-None-Match '
        'and the server answers 304 with no body before any SQL or JSON; nothing is parsed '
        'or written. A cycle whose start finds the outbox empty keeps what it read with the '
        'store\'s change count, so the next one, with nothing written meanwhile, does not go '
        'through the store thread; and the server\'s bearer check uses cached statements (it '
        'prepared three per request). Measured under load: the 304 of the system search '
        'then costs about one bare round trip. What is left is libsoup\'s request handling '
        'and the wait for a CPU on a shared machine.',
    'booking on server → row in app store, 200 bookings, p99':
        'Look at the delay between the WebSocket notice and the pull, and the store write.',
    'SAS slot search, 25 RPPS, 72 h, CPTS data set, p99':
        'Under perf the search (~440 slots, ~800 KB) spends its time writing the slots\' '
        'JSON, building the includes of 25 GPs with JsonNode trees, reading them (one read '
        'transaction, a mapped file) and encrypting the answer; the copy of the answer at '
        'the end and the page faults of fresh multi-megabyte buffers are gone. A p99 above '
        'the target on this run is the wait for a CPU on the shared machine (compare the '
        'bare handler\'s p99 in the same run). Profile with `perf record` through a '
        '`CRN_SERVER_EXE` wrapper and `bench-server --sas-only`.',
}


def write_markdown(path, info, rows, growth, figures, failures, runs, scales):
    lines = []
    w = lines.append
    w('# Performance')
    w('')
    w('Generated by `build-aux/bench`; do not edit by hand (the next run replaces it). The raw '
      'figures of every run are in [performance.json](performance.json).')
    w('')
    w(f"- Date: {info['date']}")
    w(f"- Commit: {info['commit']}")
    w(f"- Machine: {info['cpu']}, {info['nproc']} CPUs (nproc), {info['memory']} memory, "
      f"{info['os']}")
    w(f"- Load average at the start and at the end: {info['load_start']} / {info['load_end']}")
    if info.get('note'):
        w(f"- Note: {info['note']}")
    w(f"- Build: release (`--buildtype=release -Db_ndebug=true`), `{info['build']}`; display: "
      f"Xvfb with `GSK_RENDERER=cairo`")
    w(f"- Runs: every benchmark {runs} times; each figure is the median of the runs with the "
      'min–max in parentheses, and each baseline is measured in the same run.')
    w('')
    w('## Targets')
    w('')
    w('| measure | figure | baseline in the same run | ratio | target | verdict |')
    w('|---|---|---|---|---|---|')
    for r in rows:
        ratio = f"{r['ratio']:.2f} ×" if r['ratio'] is not None else '—'
        base = fmt_stat(r['baseline'], r['base_unit']) if r['baseline'] else '—'
        verdict = f"**{r['verdict']}**" if r['verdict'] in ('MISSED', 'NOT MEASURED') else r['verdict']
        w(f"| {r['measure']} | {fmt_stat(r['figure'], r['unit'])} | {base} | {ratio} | "
          f"{r['target']} | {verdict} |")
    w('')
    for r in rows:
        if r['note']:
            w(f"- *{r['measure']}*: {r['note']}")
    w('')

    w('## How cost grows with the data')
    w('')
    w('The same query at ' + ', '.join(f'{s}×' for s in scales) + ' the data. Store: 10 GPs '
      'and as many years of the practice data set as the scale (a practice accumulates years: '
      'the rows one week shows stay the same while the file grows), '
      'tests/bench/bench-store-growth, one run of 200 queries per scale. Figures are the '
      'medians of the queries; the exponent k is the slope of log(time) against log(scale): '
      '0 is flat, about 0.1–0.3 looks logarithmic, 1 is linear.')
    w('')
    w('| query | ' + ' | '.join(f'{s}×' for s in scales)
      + ' | exponent k | R² log fit | R² linear fit | growth |')
    w('|---|' + '---|' * len(scales) + '---|---|---|---|')
    for g in growth:
        cells = [fmt(g['points'].get(s)) for s in scales]
        if g['fit']:
            f = g['fit']
            w(f"| {g['label']} | {' | '.join(cells)} | {f['exponent']:.2f} | {f['r2_log']:.2f} | "
              f"{f['r2_linear']:.2f} | {f['verdict']} |")
        else:
            w(f"| {g['label']} | {' | '.join(cells)} | — | — | — | {g.get('why', 'not measured')} |")
    store = next((g for g in growth if g['label'].startswith('store: week')), None)
    bare = next((g for g in growth if g['label'].startswith('bare SQLite week')), None)
    if store and bare and store['points'] and bare['points']:
        ratios = [(f"{store['points'][s] / bare['points'][s]:.1f} ×"
                   if s in store['points'] and s in bare['points'] and bare['points'][s] > 0
                   else '—') for s in scales]
        w('| store week query ÷ bare select | ' + ' | '.join(ratios) + ' | | | | |')
        w('')
        w('Read the store\'s growth against the bare select\'s, measured at the same sizes in '
          'the same run: the bare table is indexed on (owner, start), so it cannot scan, and '
          'whatever growth it shows comes from SQLite\'s page cache (the rows of one week lie '
          'on more and more pages of a bigger file) and from the machine. When the ratio '
          'between the two stays flat, the store\'s query grows the way an index lookup does; '
          'a ratio that climbs with the scale would point at a scan.')
    w('')
    sas = next((g for g in growth if g['label'].startswith('SAS slot search')), None)
    if sas and sas.get('seeding'):
        w('The SAS data sets: ' + '; '.join(
            f"{k}×: {v['gps']} GPs, {v['slots']:,} slots, made in {v['seed_s']:.0f} s, server "
            f"started (agendas expanded) in "
            + (f"{v['start_s']:.1f} s" if v.get('start_s') is not None else '—')
            for k, v in sorted(sas['seeding'].items(), key=lambda kv: int(kv[0])))
          + '. The server expands at start-up only the days each agenda is missing.')
        w('')

    w('## Other figures')
    w('')
    w('| measure | median of runs (min–max) |')
    w('|---|---|')
    others = [('baseline.empty-window.first-frame', 'ms', 'empty libadwaita window, first frame'),
              ('app.first-frame.no-data', 'ms', 'app without data (no option), first frame'),
              ('app.rss.no-data', 'kib', 'app without data, peak RSS'),
              ('week-switch', 'p50_ms', 'week switch, action + frame, p50'),
              ('week-switch.action', 'p50_ms', 'week switch, the action alone (query + tiles), p50'),
              ('week-switch.frame', 'p50_ms', 'week switch, the next frame alone, p50'),
              ('week-switch.action', 'p95_ms', 'week switch, the action alone, p95'),
              ('week-switch.frame', 'p95_ms', 'week switch, the next frame alone, p95'),
              ('week-switch.frame-cpu', 'p50_ms',
               'week switch, CPU time of the next frame (thread clock: less sensitive to load), p50'),
              ('week-switch.frame-cpu', 'p95_ms', 'week switch, CPU time of the next frame, p95'),
              ('week-switch.wall', 'p95_ms', 'week switch, action to painted frame incl. waiting, p95'),
              ('baseline.hello', 'p50_ms', 'bare libsoup hello, one client, p50'),
              ('baseline.hello', 'per_s', 'bare libsoup hello, one client, requests/s'),
              ('baseline.hello-32', 'per_s', 'bare libsoup hello, 32 clients, requests/s'),
              ('baseline.https-fresh', 'p50_ms', 'bare HTTPS round trip, new connection, p50'),
              ('baseline.https-keepalive', 'p50_ms', 'bare HTTPS round trip, kept-alive, p50'),
              ('baseline.websocket', 'p50_ms', 'bare secure WebSocket message, p50'),
              ('store.insert', 'rows_per_s', 'store page upserts, rows/s'),
              ('baseline.sqlite-insert', 'rows_per_s', 'bare SQLite inserts, rows/s'),
              ('store.figures-month-gp', 'p50_ms', 'store monthly figures, one GP'),
              ('core.expand', 'p50_ms', '52-week expansion, 10 GPs (bench-expand)'),
              ('fhir.sas-answer-build', 'total_ms', 'FHIR: build and serialise one SAS answer'),
              ('fhir.sas-answer-parse', 'total_ms', 'FHIR: parse that answer\'s JSON'),
              ('fhir.sas-answer-read', 'total_ms', 'FHIR: read its slots'),
              ('sync.baseline.https', 'p50_ms', 'bench-sync\'s bare HTTPS round trip, p50'),
              ('sync.baseline.https-in-turn', 'p50_ms',
               'bench-sync\'s bare HTTPS round trip taken in turn with the no-change sync, p50'),
              ('sync.no-change.client-get', 'p50_ms',
               'no-change sync\'s request alone: a conditional GET answered 304 through CrnClient '
               '(signed in, so with the token check), p50'),
              ('sync.booking-to-store', 'p50_ms', 'booking on server → row in store, p50'),
              ('server.sas-search', 'p50_ms', 'SAS search, p50'),
              ('server.sas-search', 'per_s', 'SAS search, requests/s (16 in flight)'),
              ('server.baseline.hello', 'per_s', 'bench-server\'s bare hello, requests/s'),
              ('server.booking-32', 'p50_ms', 'bookings, 32 clients, p50'),
              ('baseline.alloc-slots', 'p50_ms', 'allocating the same slots (its baseline)')]
    for key, field, label in others:
        st = figures.stat(key, field)
        if st is None:
            continue
        unit = 'MiB' if field == 'kib' else '/s' if field in ('per_s', 'rows_per_s') else 'ms'
        w(f'| {label} | {fmt_stat(st, unit)} |')
    nochange = figures.stat('sync.no-change', 'p50_ms')
    back_to_back = figures.stat('sync.baseline.https', 'p50_ms')
    if nochange and back_to_back and back_to_back['median'] > 0:
        w(f'| no-change sync ÷ the bare round trip measured back to back (not in turn) | '
          f'{nochange["median"] / back_to_back["median"]:.2f} × |')
    w('')

    missed = [r for r in rows if r['verdict'] in ('MISSED', 'NOT MEASURED')]
    w('## Closing note')
    w('')
    if not missed:
        w('Every target of the table is met on this run.')
    for r in missed:
        if r['verdict'] == 'MISSED':
            w(f"- **MISSED: {r['measure']}** ({fmt_stat(r['figure'], r['unit'])}, target "
              f"{r['target']}). {MISSED_HINTS.get(r['measure'], '')}")
        else:
            w(f"- **NOT MEASURED: {r['measure']}**: {r['source'] or 'its benchmark'} is not in "
              'this build or printed no figure for it (see "Failures" below when it failed).')
    w('')
    if failures:
        w('## Failures')
        w('')
        for key, message in failures:
            w(f'- `{key}`: {message.splitlines()[0] if message else ""}')
        w('')
    w('## Reproduce')
    w('')
    w('```sh')
    w('build-aux/bench            # or: build-aux/bench --runs 9')
    w('```')
    w('')
    w('It installs nothing new (build-aux/deps), configures and builds `_build-bench` in '
      'release mode, generates the seeded data sets (practice: 10 GPs, one year, about '
      '10,000 slots and 5,000 bookings; CPTS: 500 GPs × 8 weeks, made by the server\'s '
      'benchmark, and 4 and 16 times that for the growth study), runs everything under Xvfb and rewrites this file and performance.json. '
      'It is not part of `build-aux/test` (it takes several minutes).')
    w('')
    with open(path, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines))


# ---------------------------------------------------------------------------------- main

def machine_info(top, build, note):
    cpu = platform.processor() or 'unknown CPU'
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as f:
            for line in f:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    memory = 'unknown'
    try:
        with open('/proc/meminfo', encoding='utf-8') as f:
            for line in f:
                if line.startswith('MemTotal:'):
                    memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                    break
    except OSError:
        pass
    os_name = platform.platform()
    try:
        with open('/etc/os-release', encoding='utf-8') as f:
            for line in f:
                if line.startswith('PRETTY_NAME='):
                    os_name = line.split('=', 1)[1].strip().strip('"') + f', Linux {platform.release()}'
    except OSError:
        pass
    commit = subprocess.run(['git', '-C', top, 'describe', '--always', '--dirty'],
                            capture_output=True, text=True).stdout.strip() or 'unknown'
    return {'date': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC'),
            'cpu': cpu, 'nproc': os.cpu_count(), 'memory': memory, 'os': os_name,
            'commit': commit, 'build': os.path.relpath(build, top),
            'load_start': ' '.join(f'{x:.2f}' for x in os.getloadavg()), 'note': note}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--build', help='the release build directory')
    parser.add_argument('--top', help='the source tree')
    parser.add_argument('--runs', type=int, default=5, help='runs of every benchmark (5)')
    parser.add_argument('--scales', default='1,4,16', help='growth study scales (1,4,16)')
    parser.add_argument('--server-scales', default=None,
                        help='scales of the SAS search growth study (default: --scales; '
                             'an empty string skips it: seeding 16 × 500 GPs takes minutes)')
    parser.add_argument('--markdown', help='where to write PERFORMANCE.md')
    parser.add_argument('--json', help='where to write performance.json')
    parser.add_argument('--note', default='', help='a sentence about the machine, in the report')
    parser.add_argument('--from-json', metavar='FILE',
                        help='measure nothing: write the Markdown again from a performance.json')
    args = parser.parse_args()

    if args.from_json:
        with open(args.from_json, encoding='utf-8') as f:
            saved = json.load(f)
        figures = Figures()
        for key, fields in saved['figures'].items():
            for field, stat in fields.items():
                if field != 'info':
                    # Older files kept only the median, min and max of the runs.
                    values = stat.get('values') or [stat['min'], stat['median'], stat['max']]
                    figures.values.setdefault(key, {})[field] = list(values)
            figures.extra[key] = fields.get('info', {})
        for g in saved['growth']:
            g['points'] = {int(k): v for k, v in g['points'].items()}
        scales = sorted({s for g in saved['growth'] for s in g['points']}) or \
            [int(s) for s in args.scales.split(',')]
        write_markdown(args.markdown, saved['machine'], build_rows(figures, APP_MODE), saved['growth'],
                       figures, [(f['program'], f['message']) for f in saved['failures']],
                       saved['runs'], scales)
        return 0

    if not args.build or not args.top:
        parser.error('--build and --top are needed to measure')
    build = os.path.abspath(args.build)
    top = os.path.abspath(args.top)
    scales = [int(s) for s in args.scales.split(',')]
    info = machine_info(top, build, args.note)
    env = dict(os.environ)
    env.update({'GSK_RENDERER': 'cairo', 'GSETTINGS_BACKEND': 'memory',
                'GSETTINGS_SCHEMA_DIR': os.path.join(build, 'data'), 'GTK_A11Y': 'none',
                'NO_AT_BRIDGE': '1', 'GIO_USE_PROXY_RESOLVER': 'dummy', 'LC_ALL': 'C.UTF-8',
                'CRN_TEST_TLS_CERT': os.path.join(build, 'tests', 'test-cert.pem'),
                'CRN_TEST_TLS_KEY': os.path.join(build, 'tests', 'test-key.pem')})
    runner = Runner(build, top, env)
    figures = Figures()

    def tool(name):
        for sub in ('tests/bench', 'src/app'):
            path = os.path.join(build, sub, name)
            if os.access(path, os.X_OK):
                return path
        return None

    # The layers' own benchmarks, as the build declares them.
    intro = subprocess.run(['meson', 'introspect', '--benchmarks', build], capture_output=True,
                           text=True)
    layer_benches = json.loads(intro.stdout) if intro.returncode == 0 and intro.stdout else []
    # The server's and the sync's benchmarks are plain executables (not benchmark() targets):
    # run them with the environment their meson.build documents.
    declared = {os.path.basename(b['cmd'][0]) for b in layer_benches}
    layer_env = {'CRN_SERVER_EXE': os.path.join(build, 'src', 'server', 'creneaux-server'),
                 'CRN_LOCALEDIR': os.path.join(build, 'po'), 'TZ': 'America/New_York'}
    for sub, name in (('server', 'bench-server'), ('sync', 'bench-sync')):
        path = os.path.join(build, 'tests', sub, name)
        if name not in declared and os.access(path, os.X_OK):
            layer_benches.append({'name': name, 'cmd': [path], 'env': layer_env,
                                  'timeout': 900, 'suite': [sub]})
    log('layer benchmarks:', ', '.join(b['name'] for b in layer_benches) or 'none')

    app = tool('creneaux')
    empty = tool('bench-empty-window')
    app_mode = APP_MODE
    practice_db = None
    grow_tool = tool('bench-store-growth')
    if grow_tool:
        practice_db = os.path.join(os.environ.get('XDG_DATA_HOME') or '/tmp',
                                   'bench-practice.db')
        if runner.run('practice-data-set', [grow_tool, '--write-practice', practice_db])[0] is None:
            practice_db = None
    if practice_db is None:
        app_mode = 'creneaux --demo-local --exit-after-first-frame'

    for run in range(args.runs):
        log(f'run {run + 1} of {args.runs}')
        # First frame and memory: the empty window and the app one after the other, so that
        # both see the same machine.
        if app and empty:
            for label, cmd in (('baseline.empty-window', [empty]),
                               ('app', [app, '--store', practice_db, '--exit-after-first-frame']
                                if practice_db else [app, '--demo-local', '--exit-after-first-frame']),
                               ('app.no-data', [app, '--exit-after-first-frame'])):
                out, rss = runner.run_rusage(label, cmd)
                m = re.search(r'first-frame-ms:\s*([\d.]+)', out or '')
                if m:
                    if label == 'app.no-data':
                        figures.add(label, {'id': 'app.first-frame.no-data', 'ms': float(m.group(1))})
                        figures.add(label, {'id': 'app.rss.no-data', 'kib': rss})
                    else:
                        figures.add(label, {'id': f'{label}.first-frame', 'ms': float(m.group(1))})
                        figures.add(label, {'id': f'{label}.rss', 'kib': rss})
                elif out is not None:
                    runner.failures.append((label, 'printed no first-frame-ms line'))
        for name in ('bench-week-switch', 'bench-baselines'):
            path = tool(name)
            if path is None:
                runner.failures.append((name, 'not built'))
                continue
            out, _ = runner.run(name, [path])
            for record in parse_bench_lines(out):
                figures.add(name, record)
        for bench in layer_benches:
            name = os.path.basename(bench['cmd'][0])
            out, _ = runner.run(name, bench['cmd'], env=bench.get('env') or {},
                                timeout=max(60, int(bench.get('timeout') or 600)) * 2)
            records = parse_bench_lines(out)
            if not records and name in TEXT_PARSERS:
                records = TEXT_PARSERS[name](out)
            prefix = ''
            if name.startswith('bench-') and name not in TEXT_PARSERS:
                # A layer's own baselines are kept apart from the harness's.
                prefix = name[len('bench-'):] + '.'
            for record in records:
                if prefix and record.get('id', '').startswith('baseline.'):
                    record = dict(record, id=prefix + record['id'])
                figures.add(name, record)

    # How cost grows: the store's week query (tests/bench/bench-store-growth), and the SAS
    # search when the server's benchmark takes a scale.
    growth = []
    grow = tool('bench-store-growth')
    store_points, figure_points, bare_points = {}, {}, {}
    if grow:
        out, _ = runner.run('bench-store-growth', [grow] + [str(s) for s in scales], timeout=3600)
        for record in parse_bench_lines(out):
            figures.add('bench-store-growth', dict(record, id='growth.' + record['id']),
                        scale=record.get('scale') or 1)
            target = {'store.week': store_points, 'store.figures-month': figure_points,
                      'baseline.sqlite-week': bare_points}.get(record['id'])
            if target is not None:
                target[int(record['scale'])] = record['p50_ms']
    for label, points in (('store: week query, 10 GPs', store_points),
                          ('store: monthly figures', figure_points),
                          ('bare SQLite week select (baseline)', bare_points)):
        growth.append({'label': label, 'points': points,
                       'fit': fit_growth(sorted(points.items())),
                       'why': 'needs three scales or more' if points else 'not measured'})
    sas_points = {}
    seed_info = {}
    server_scales = scales if args.server_scales is None else \
        [int(x) for x in args.server_scales.split(',') if x.strip()]
    server_bench = next((b for b in layer_benches
                         if os.path.basename(b['cmd'][0]) == 'bench-server'), None)
    why = 'the server\'s benchmark is not in this build'
    if server_bench:
        helptext = subprocess.run(server_bench['cmd'] + ['--help'], capture_output=True, text=True,
                                  env={**env, **(server_bench.get('env') or {})}, timeout=60)
        if '--scale' in (helptext.stdout + helptext.stderr) and server_scales:
            for s in server_scales:
                out, _ = runner.run(f'server-scale-{s}', server_bench['cmd'] +
                                    ['--scale', str(s), '--sas-only', '--requests', '100',
                                     '--seconds', '2'],
                                    env=server_bench.get('env') or {}, timeout=3600)
                seeded = re.search(r'^Seeded (\d+) GPs, (\d+) slots .*? in ([\d.]+) s$', out or '',
                                   re.M)
                started = re.search(r'^Server started .*? in ([\d.]+) s$', out or '', re.M)
                if seeded:
                    seed_info[s] = {'gps': int(seeded.group(1)), 'slots': int(seeded.group(2)),
                                    'seed_s': float(seeded.group(3)),
                                    'start_s': float(started.group(1)) if started else None}
                for record in parse_bench_lines(out):
                    if record.get('id') == 'server.sas-search':
                        sas_points[s] = record['p50_ms']
                        figures.add('server-growth', dict(record, id='growth.server.sas-search'),
                                    scale=s)
        elif not server_scales:
            why = 'not run this time (--server-scales empty)'
        else:
            why = 'the server\'s benchmark takes no --scale argument yet'
    growth.insert(0, {'label': 'SAS slot search (p50), 500 × scale GPs, 8 weeks of slots', 'points': sas_points,
                      'fit': fit_growth(sorted(sas_points.items())), 'why': why,
                      'seeding': {str(k): v for k, v in seed_info.items()}})

    info['load_end'] = ' '.join(f'{x:.2f}' for x in os.getloadavg())
    rows = build_rows(figures, app_mode)
    if args.markdown:
        write_markdown(args.markdown, info, rows, growth, figures, runner.failures, args.runs,
                       scales)
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as f:
            json.dump({'machine': info, 'runs': args.runs,
                       'targets': [{k: v for k, v in r.items()} for r in rows],
                       'growth': growth, 'figures': figures.as_json(),
                       'failures': [{'program': k, 'message': m} for k, m in runner.failures],
                       'outputs': runner.outputs}, f, indent=1, ensure_ascii=False)
            f.write('\n')

    # Plainly, on the terminal too.
    print()
    for r in rows:
        ratio = f"{r['ratio']:.2f}x" if r['ratio'] is not None else '-'
        print(f"{r['verdict']:>13}  {r['measure']}: {fmt_stat(r['figure'], r['unit'])}"
              f"  ratio {ratio}  target {r['target']}")
    for g in growth:
        f = g['fit']
        print(f"       growth  {g['label']}: "
              + (f"k = {f['exponent']:.2f}, {f['verdict']}" if f else g.get('why', 'not measured')))
    for key, message in runner.failures:
        print(f'      failure  {key}: {message.splitlines()[0] if message else ""}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
