#!/usr/bin/env python3
# Benchmarks of issue 5 on a generated registry of EU scale (20,000 holding
# accounts, 10 million completed transfers), each against a reference
# measured in the same run:
#
#   report    the yearly trading report, through the store and through
#             GET /api/v1/reports/trading: under 100 ms. References: a
#             primary-key lookup on the same file, and the constant reply of
#             a minimal SoupServer.
#   history   pages of GET /api/v1/transactions with filters, with a keyset
#             cursor deep in the history and without: each under 20 ms.
#             Reference: the minimal SoupServer's constant reply.
#   balance   GET /api/v1/accounts/{account} with a bearer token under wrk:
#             at least 0.60 of the requests a second of a minimal SoupServer
#             of the same libsoup serving a constant JSON reply of the same
#             size; nginx serving a static file of that size is printed
#             beside them as the outer mark.
#   confirm   durable transfer confirmations through the store, one after
#             another: at least half the rate of a plain SQLite loop of
#             durable single-row commits (WAL, synchronous=FULL) in the same
#             directory. The same through the server's HTTP API, driven by
#             wrk with tests/bench/confirm.lua, is shown beside it
#             ("confirm over HTTP") against the same target.
#
#   python3 tests/bench/registry-bench.py BUILD_DIR [--transfers N] [--accounts N]
#           [--registry PATH] [--regenerate] [--only report,history,balance,confirm]
#           [--runs N] [--duration S] [--rounds N] [--confirmations N]
#           [--rounds-confirm N] [--confirm-clients N]
#
# Build first: meson compile -C BUILD_DIR kvota-server bench-registry
# bench-store bench-soup-floor. The registry is made once by bench-registry
# (minutes for 10 M transfers) and reused by later runs with the same size;
# --regenerate makes it again. Each confirm run adds its transfers to it.
# The balance benchmark needs wrk and nginx (Debian: apt-get install wrk
# nginx-light); nginx runs as nobody when this runs as root, with its own
# configuration, pid and logs in a temporary directory. Servers are pinned
# to the last processor and wrk to the first when taskset is there.
#
# Throughput is measured in short rounds, ours right after its reference,
# and the verdict is the median of the rounds' ratios: others' work on the
# machine then weighs on both sides of a round alike. Latencies are medians
# of --runs requests after a first one, which is shown too.
import argparse
import base64
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ADMIN = ("bench-admin", "bench-admin-pass-0001")
MINISTRY = ("bench-ministry", "bench-ministry-pass-0002")
HOLDER = ("bench-holder", "bench-holder-pass-0003")

REPORT_TARGET_MS = 100
HISTORY_TARGET_MS = 20
BALANCE_TARGET = 0.60
CONFIRM_TARGET = 0.5

# A one-page PDF: the confirming document of each transfer proposed.
TINY_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


def fail(message):
    sys.exit("registry-bench: " + message)


def verdict(ok):
    return "PASS" if ok else "FAIL"


def cpus():
    """(the processor for servers, the one for wrk), or None without taskset."""
    n = os.cpu_count() or 1
    if n < 2 or shutil.which("taskset") is None:
        return None
    return (str(n - 1), "0")


def pinned(command, which):
    pins = cpus()
    if pins is None:
        return command
    return ["taskset", "-c", pins[0] if which == "server" else pins[1]] + command


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A program that prints "Listening on URL" once it listens: kvota-server
    or bench-soup-floor."""

    def __init__(self, command, log_path):
        self.log = open(log_path, "ab")
        self.process = subprocess.Popen(pinned(command, "server"), stdout=subprocess.PIPE,
                                        stderr=self.log, env=dict(os.environ, LC_ALL="C.UTF-8"))
        line = self.process.stdout.readline().decode()
        match = re.search(r"Listening on http://([^/:]+):(\d+)/", line)
        if match is None:
            self.stop()
            fail("%s did not start (see %s)" % (command[0], log_path))
        self.host, self.port = match.group(1), int(match.group(2))
        self.url = "http://%s:%d" % (self.host, self.port)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class Nginx:
    """nginx serving one static file, with its own configuration, pid and
    logs, as nobody when we are root."""

    def __init__(self, directory, body):
        self.directory = directory
        www = os.path.join(directory, "www")
        os.makedirs(www)
        with open(os.path.join(www, "balance.json"), "wb") as f:
            f.write(body)
        self.port = free_port()
        config = os.path.join(directory, "nginx.conf")
        temp = {name: os.path.join(directory, name) for name in
                ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
        with open(config, "w") as f:
            f.write("""worker_processes 1;
daemon off;
pid %(dir)s/nginx.pid;
error_log %(dir)s/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path %(client_body)s;
  proxy_temp_path %(proxy)s;
  fastcgi_temp_path %(fastcgi)s;
  uwsgi_temp_path %(uwsgi)s;
  scgi_temp_path %(scgi)s;
  server {
    listen 127.0.0.1:%(port)d;
    location / { root %(www)s; default_type application/json; }
  }
}
""" % dict(temp, dir=directory, port=self.port, www=www))
        command = ["nginx", "-p", directory, "-c", config, "-e", os.path.join(directory, "error.log")]
        if os.geteuid() == 0:
            if shutil.which("setpriv") is None:
                fail("running as root, and setpriv is missing to run nginx as nobody")
            # nobody must reach its directory through ours.
            os.chmod(os.path.dirname(directory), 0o711)
            for root, dirs, files in os.walk(directory):
                for name in dirs + files + [""]:
                    os.chown(os.path.join(root, name), 65534, 65534)
            command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + command
        self.process = subprocess.Popen(pinned(command, "server"), stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        self.url = "http://127.0.0.1:%d/balance.json" % self.port
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.05)
        self.stop()
        fail("nginx did not start (see %s)" % os.path.join(directory, "error.log"))

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=20)


class Client:
    """One keep-alive HTTP connection."""

    def __init__(self, server, token=None):
        self.connection = http.client.HTTPConnection(server.host, server.port, timeout=120)
        self.token = token

    def request(self, method, path, body=None):
        headers = {}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        payload = response.read()
        return response.status, payload

    def json(self, method, path, body=None, expect=(200, 201)):
        status, payload = self.request(method, path, body)
        if status not in expect:
            raise RuntimeError("%s %s: %d %s" % (method, path, status, payload[:300].decode(errors="replace")))
        return json.loads(payload) if payload else None

    def time(self, path, runs):
        """The first request's time and the median of `runs` more, in ms."""
        times = []
        for _ in range(runs + 1):
            started = time.perf_counter()
            status, _ = self.request("GET", path)
            times.append((time.perf_counter() - started) * 1000)
            if status != 200:
                fail("GET %s: %d" % (path, status))
        return times[0], statistics.median(times[1:])

    def close(self):
        self.connection.close()


def login(server, credentials):
    client = Client(server)
    reply = client.json("POST", "/api/v1/session", {"username": credentials[0], "password": credentials[1]})
    client.close()
    return reply["token"]


def run(command, **kwargs):
    result = subprocess.run(command, stdout=subprocess.PIPE, text=True, **kwargs)
    if result.returncode != 0:
        fail("%s failed (%d)" % (" ".join(command), result.returncode))
    return result.stdout


def key_values(text):
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


def row(label, value, unit, ratio=None, target=None, ok=None):
    print("  %-64s %10s %-4s %9s  %-9s %s" % (
        label, value, unit, "" if ratio is None else ratio, target or "", "" if ok is None else verdict(ok)))


def header():
    print("  %-64s %10s %-4s %9s  %-9s %s" % ("", "median", "", "ours/ref", "target", ""))


# The registry


def make_registry(args, programs):
    path = args.registry or os.path.join(tempfile.gettempdir(), "kvota-bench",
                                         "registry-%d-%d.db" % (args.transfers, args.accounts))
    if os.path.exists(path) and not args.regenerate:
        print("Registry: %s (reused; --regenerate makes it again)" % path)
        return path
    print("Generating %s with %d transfers and %d accounts…" % (path, args.transfers, args.accounts), flush=True)
    started = time.perf_counter()
    status = subprocess.call([programs["bench-registry"], "--force", "--transfers", str(args.transfers),
                              "--accounts", str(args.accounts), path])
    if status != 0:
        fail("bench-registry failed")
    print("Generated in %.0f s" % (time.perf_counter() - started))
    return path


class Registry:
    """What the benchmarks need to know of the registry, read from the file."""

    def __init__(self, path):
        self.path = path
        db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        self.n_transfers = db.execute("SELECT count(*) FROM transactions WHERE kind = 'transfer' "
                                      "AND state = 'completed'").fetchone()[0]
        # The years of bench-registry's plan, and of its history.
        self.first_year, self.last_year = db.execute("SELECT min (first_year), max (last_year) FROM naps "
                                                     "WHERE state = 'applied'").fetchone()
        self.year = (self.first_year + self.last_year + 1) // 2
        # The history's ids: written in order of time after the plan's issuances.
        self.min_id, self.max_id = db.execute("SELECT min(id), max(id) FROM transactions "
                                              "WHERE kind = 'transfer'").fetchone()
        self.deep_id = self.min_id + (self.max_id - self.min_id) * 2 // 5
        nature = [number for (number,) in db.execute(
            "SELECT a.number FROM accounts a JOIN organisations o ON o.id = a.organisation_id "
            "WHERE o.holder_type = 'nature-user' ORDER BY o.id")]
        # bench-registry picks the first nature users the most often.
        self.busy_account = nature[0]
        self.typical_account = nature[len(nature) // 2]
        self.n_accounts = db.execute("SELECT count(*) FROM accounts").fetchone()[0]
        self.holder_account, self.buyer_account = [number for (number,) in db.execute(
            "SELECT a.number FROM accounts a JOIN users u ON u.organisation_id = a.organisation_id "
            "WHERE u.username IN ('bench-holder', 'bench-buyer') ORDER BY u.username = 'bench-buyer'")]
        # A month in the middle of the chosen year, and an id two thirds
        # into it: the cursor of a page deep in that month.
        self.month = "%d-06" % self.year
        first = self.first_id_created(db, self.month + "-01")
        last = self.first_id_created(db, "%d-07-01" % self.year)
        self.month_id = first + (last - first) * 2 // 3
        db.close()

    def first_id_created(self, db, date):
        """The first id of the history created on or after `date`: its rows
        are in order of time, so a bisection on the primary key finds it."""
        low, high = self.min_id, self.max_id
        while low < high:
            middle = (low + high) // 2
            found = db.execute("SELECT created FROM transactions WHERE id = ?", (middle,)).fetchone()
            if found is not None and found[0] >= date:
                high = middle
            else:
                low = middle + 1
        return low


# The benchmarks


def bench_report(args, programs, registry, server, floor, tokens):
    year = registry.year
    print("\n== Yearly trading report (%d), %s completed transfers ==" % (year, format(registry.n_transfers, ",")))
    out = key_values(run([programs["bench-store"], "report", registry.path, str(year), str(args.runs)]))
    client = Client(server, tokens["ministry"])
    reference = Client(floor)
    http_first, http_ms = client.time("/api/v1/reports/trading?year=%d" % year, args.runs)
    _, floor_ms = reference.time("/", args.runs)
    status, body = client.request("GET", "/api/v1/reports/trading?year=%d" % year)
    client.close()
    reference.close()

    store_ms = float(out["ours_ms"])
    pk_ms = float(out["reference_ms"])
    header()
    row("reference: SQLite primary-key lookup", "%.4f" % pk_ms, "ms")
    row("kvota_store_trading_report (first call %.2f ms)" % float(out["first_ms"]), "%.2f" % store_ms, "ms",
        "%.0f×" % (store_ms / pk_ms), "< %d ms" % REPORT_TARGET_MS, store_ms < REPORT_TARGET_MS)
    row("reference: minimal SoupServer, constant reply", "%.3f" % floor_ms, "ms")
    row("GET /api/v1/reports/trading (first %.1f ms)" % http_first, "%.2f" % http_ms, "ms",
        "%.1f×" % (http_ms / floor_ms), "< %d ms" % REPORT_TARGET_MS, http_ms < REPORT_TARGET_MS)
    print("  the reply: %d bytes" % len(body))
    return store_ms < REPORT_TARGET_MS and http_ms < REPORT_TARGET_MS


def bench_history(args, programs, registry, server, floor, tokens):
    print("\n== History pages (GET /api/v1/transactions, 100 a page, as the administrator) ==")
    client = Client(server, tokens["admin"])
    reference = Client(floor)
    _, floor_ms = reference.time("/", args.runs)
    reference.close()
    month_end = "%s-30" % registry.month
    deep = registry.deep_id
    cases = [
        # The page the issue names: a filter and a cursor deep in the history.
        ("account %s (typical), after=%d" % (registry.typical_account, deep),
         "account=%s&after=%d" % (registry.typical_account, deep)),
        ("account %s (busiest), after=%d" % (registry.busy_account, deep),
         "account=%s&after=%d" % (registry.busy_account, deep)),
        ("kind=transfer&state=completed, after=%d" % deep,
         "kind=transfer&state=completed&after=%d" % deep),
        ("min_quantity=90000, after=%d" % deep,
         "min_quantity=90000&after=%d" % deep),
        ("from/to %s, after=%d (in the month)" % (registry.month, registry.month_id),
         "from=%s-01&to=%s&after=%d" % (registry.month, month_end, registry.month_id)),
        # First pages that users open every day.
        ("from/to %s, first page" % registry.month,
         "from=%s-01&to=%s" % (registry.month, month_end)),
        ("state=proposed (the confirmation queue), first page", "state=proposed"),
        ("kind=issuance, first page", "kind=issuance"),
    ]
    header()
    row("reference: minimal SoupServer, constant reply", "%.3f" % floor_ms, "ms")
    ok = True
    for label, query in cases:
        path = "/api/v1/transactions?limit=100&" + query
        started = time.perf_counter()
        status, body = client.request("GET", path)
        first = (time.perf_counter() - started) * 1000
        if status != 200:
            fail("GET %s: %d %s" % (path, status, body[:200]))
        n = len(json.loads(body)["transactions"])
        # Slow pages get fewer runs, so that a failing run ends.
        _, ms = client.time(path, args.runs if first < 200 else 3)
        passed = ms < HISTORY_TARGET_MS
        ok = ok and passed
        row("%s [%d rows, first %.0f ms]" % (label, n, first), "%.2f" % ms, "ms",
            "%.0f×" % (ms / floor_ms), "< %d ms" % HISTORY_TARGET_MS, passed)
    client.close()
    return ok


def wrk(url, token, duration, connections):
    command = pinned(["wrk", "-t1", "-c%d" % connections, "-d%ds" % duration,
                      "-H", "Authorization: Bearer " + token, url], "wrk")
    out = run(command)
    if "Non-2xx" in out or "Socket errors" in out:
        fail("wrk saw errors on %s:\n%s" % (url, out))
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def bench_balance(args, programs, registry, server, floor, nginx, tokens, body):
    print("\n== Balance read under load (wrk -t1 -c%d, %d rounds of %d s each, reply of %d bytes) ==" % (
        args.connections, args.rounds, args.duration, len(body)))
    if nginx is None:
        print("  (nginx is missing: its outer mark is left out)")
    url = server.url + "/api/v1/accounts/" + registry.holder_account
    rates = {"kvota": [], "soup": [], "nginx": []}
    # Each round runs the three one after the other, so that others' work
    # on the machine weighs on a round's ratio as little as it can.
    for _ in range(args.rounds):
        rates["kvota"].append(wrk(url, tokens["holder"], args.duration, args.connections))
        rates["soup"].append(wrk(floor.url + "/", tokens["holder"], args.duration, args.connections))
        if nginx is not None:
            rates["nginx"].append(wrk(nginx.url, tokens["holder"], args.duration, args.connections))
    ratios = [k / s for k, s in zip(rates["kvota"], rates["soup"])]
    ratio = statistics.median(ratios)
    header()
    if rates["nginx"]:
        row("nginx, static file (outer mark)", "%.0f" % statistics.median(rates["nginx"]), "/s")
    row("reference: minimal SoupServer, constant reply", "%.0f" % statistics.median(rates["soup"]), "/s")
    row("GET /api/v1/accounts/%s" % registry.holder_account, "%.0f" % statistics.median(rates["kvota"]), "/s",
        "%.2f" % ratio, "≥ %.2f" % BALANCE_TARGET, ratio >= BALANCE_TARGET)
    print("    rounds: kvota %s; soup %s%s" % (
        " ".join("%.0f" % r for r in rates["kvota"]), " ".join("%.0f" % r for r in rates["soup"]),
        "; nginx " + " ".join("%.0f" % r for r in rates["nginx"]) if rates["nginx"] else ""))
    print("    ratio of each round: %s (ours/ref is their median)" % " ".join("%.2f" % r for r in ratios))
    if args.diagnose:
        # Where the time goes: the server's routing, reply and log alone
        # (health), with a session looked up (me), and the balance itself.
        for path in ("/api/v1/health", "/api/v1/me", "/api/v1/accounts/" + registry.holder_account):
            rate = wrk(server.url + path, tokens["holder"], args.duration, args.connections)
            soup_rate = wrk(floor.url + "/", tokens["holder"], args.duration, args.connections)
            print("    diagnosis: GET %-40s %6.0f/s, %.2f of the minimal SoupServer's" % (path, rate, rate / soup_rate))
    return ratio >= BALANCE_TARGET


def propose(client, registry, vintage):
    """A transfer of 7 quotas from the benchmark's trading company to its
    buyer, with a confirming document as the API requires."""
    body = {"from_account": registry.holder_account, "to_account": registry.buyer_account,
            "unit_type": "quota", "vintage": vintage, "quantity": 7,
            "price_tiyn": 250000, "deal_date": time.strftime("%Y-%m-%d", time.gmtime()),
            "reference": "BENCH-%d" % time.monotonic_ns(),
            "documents": [{"name": "contract.pdf", "data": base64.b64encode(TINY_PDF).decode()}]}
    return client.json("POST", "/api/v1/transfers", body, expect=(201,))["transaction"]["id"]


def bench_confirm_server(args, programs, registry, server, tokens):
    """Rounds of: the reference's commits, then as many transfers proposed
    (not timed) and confirmed over HTTP (timed) by wrk with
    --confirm-clients administrators' connections at once, each one request
    at a time (tests/bench/confirm.lua)."""
    directory = os.path.dirname(os.path.abspath(registry.path))
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "confirm.lua")
    holder = Client(server, tokens["holder"])
    vintage = registry.last_year
    reference_time = confirm_time = 0
    ratios = []

    with tempfile.NamedTemporaryFile("w", prefix="kvota-confirm-", suffix=".txt") as ids_file:
        for _ in range(args.rounds_confirm):
            floor_rate = float(key_values(run([programs["bench-store"], "reference", directory,
                                               str(args.confirmations)]))["per_s"])
            ids = [propose(holder, registry, vintage) for _ in range(args.confirmations)]
            ids_file.seek(0)
            ids_file.truncate()
            ids_file.write("".join("%d\n" % i for i in ids))
            ids_file.flush()
            out = key_values(run(pinned(["wrk", "-t1", "-c%d" % args.confirm_clients, "-d600s",
                                         "-H", "Authorization: Bearer " + tokens["admin"], "-s", script,
                                         server.url + "/", "--", ids_file.name], "wrk")))
            if int(out.get("confirmed", 0)) != len(ids):
                fail("confirmations over HTTP: %s confirmed, %s failed; first failure: %s" % (
                    out.get("confirmed"), out.get("failed"), out.get("first_failure", "-")))
            elapsed = float(out["seconds"])
            reference_time += args.confirmations / floor_rate
            confirm_time += elapsed
            ratios.append(args.confirmations / elapsed / floor_rate)
    holder.close()
    n = args.confirmations * args.rounds_confirm
    return n / reference_time, n / confirm_time, statistics.median(ratios), ratios


def bench_confirm_store(args, programs, registry):
    out = key_values(run([programs["bench-store"], "confirm", registry.path, registry.holder_account,
                          registry.buyer_account, str(registry.last_year), str(args.confirmations),
                          str(args.rounds_confirm)]))
    ratios = [float(v.rsplit("ratio ", 1)[1]) for k, v in out.items() if k.startswith("round_")]
    return (float(out["reference_per_s"]), float(out["ours_per_s"]), float(out["ratio_median"]), ratios,
            float(out["proposals_per_s"]))


def print_confirm(via_server, via_store, args):
    """The store's confirmations are the measure: like the reference, one
    process making one durable commit after another. Through HTTP, the
    same confirmations carry a request and a reply each as well; they are
    shown beside it against the same target."""
    print("\n== Durable transfer confirmations (%d rounds of %d, each round beside its reference) ==" % (
        args.rounds_confirm, args.confirmations))
    header()
    verdicts = []
    for label, result in (("kvota_store_decide_transfer, one after another", via_store),
                          ("POST /api/v1/transactions/{id}/confirm, %d clients" % args.confirm_clients, via_server)):
        reference, ours, ratio, ratios = result[:4]
        passed = ratio >= CONFIRM_TARGET
        verdicts.append(passed)
        row("reference: SQLite single-row durable commits", "%.0f" % reference, "/s")
        row(label, "%.0f" % ours, "/s", "%.2f" % ratio, "≥ %.2f" % CONFIRM_TARGET, passed)
        print("    ratio of each round: %s" % " ".join("%.2f" % r for r in ratios))
    print("  (ours/ref is the median of the rounds' ratios; kvota_store_propose_transfer: %.0f/s)" % via_store[4])
    return verdicts


def main():
    parser = argparse.ArgumentParser(description="The registry benchmarks of issue 5.")
    parser.add_argument("build", nargs="?", default=None, help="the meson build directory")
    parser.add_argument("--transfers", type=int, default=10_000_000)
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--registry", help="the generated registry (default: in the temporary directory)")
    parser.add_argument("--regenerate", action="store_true", help="make the registry again")
    parser.add_argument("--only", default="report,history,balance,confirm")
    parser.add_argument("--runs", type=int, default=15, help="timed requests per latency (median)")
    parser.add_argument("--duration", type=int, default=5, help="seconds of each wrk run")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of wrk runs")
    parser.add_argument("--diagnose", action="store_true",
                        help="also time GET /api/v1/health and /api/v1/me under wrk")
    parser.add_argument("--confirmations", type=int, default=100, help="confirmations a round")
    parser.add_argument("--rounds-confirm", type=int, default=10, help="rounds of confirmations")
    parser.add_argument("--confirm-clients", type=int, default=4,
                        help="administrators' connections confirming at once over HTTP")
    args = parser.parse_args()

    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    build = os.path.abspath(args.build or os.path.join(top, "_build"))
    programs = {
        "kvota-server": os.path.join(build, "src", "server", "kvota-server"),
        "bench-registry": os.path.join(build, "tests", "bench", "bench-registry"),
        "bench-store": os.path.join(build, "tests", "bench", "bench-store"),
        "bench-soup-floor": os.path.join(build, "tests", "bench", "bench-soup-floor"),
    }
    for name, path in programs.items():
        if not os.access(path, os.X_OK):
            fail("%s is missing: meson compile -C %s kvota-server bench-registry bench-store bench-soup-floor"
                 % (path, build))
    only = set(args.only.split(","))
    if ("balance" in only or "confirm" in only) and shutil.which("wrk") is None:
        fail("wrk is missing (Debian: apt-get install wrk)")

    path = make_registry(args, programs)
    registry = Registry(path)
    print("History: %s completed transfers, ids %d..%d, %d–%d; %d holding accounts" % (
        format(registry.n_transfers, ","), registry.min_id, registry.max_id,
        registry.first_year, registry.last_year, registry.n_accounts))
    if cpus():
        print("Servers on processor %s, wrk on processor %s" % cpus())
    print("Load average: %.2f %.2f %.2f (others' work on this machine skews every figure)" % os.getloadavg())

    results = {}
    with tempfile.TemporaryDirectory(prefix="kvota-bench-") as tmp:
        server = Server([programs["kvota-server"], "--db", path, "--listen", "127.0.0.1:0"],
                        os.path.join(tmp, "server.log"))
        floor = nginx = None
        try:
            tokens = {"admin": login(server, ADMIN), "ministry": login(server, MINISTRY),
                      "holder": login(server, HOLDER)}
            client = Client(server, tokens["holder"])
            status, body = client.request("GET", "/api/v1/accounts/" + registry.holder_account)
            client.close()
            if status != 200:
                fail("the balance read answers %d: %s" % (status, body[:200]))
            floor = Server([programs["bench-soup-floor"], str(len(body))], os.path.join(tmp, "floor.log"))

            if "report" in only:
                results["report"] = bench_report(args, programs, registry, server, floor, tokens)
            if "history" in only:
                results["history"] = bench_history(args, programs, registry, server, floor, tokens)
            if "balance" in only:
                if shutil.which("nginx"):
                    nginx = Nginx(os.path.join(tmp, "nginx"), body)
                results["balance"] = bench_balance(args, programs, registry, server, floor, nginx, tokens, body)
            if "confirm" in only:
                via_server = bench_confirm_server(args, programs, registry, server, tokens)
        finally:
            for process in (nginx, floor, server):
                if process is not None:
                    process.stop()
        if "confirm" in only:
            # The store alone, with no server holding the registry open.
            via_store = bench_confirm_store(args, programs, registry)
            results["confirm"], results["confirm over HTTP"] = print_confirm(via_server, via_store, args)

    print("\nLoad average: %.2f %.2f %.2f" % os.getloadavg())
    for name, ok in results.items():
        print("%-18s %s" % (name, verdict(ok)))
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
