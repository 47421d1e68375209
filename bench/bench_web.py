"""Web load: simulated clerks filing 承诺书 and searching through `docgen serve`, on loopback only.

    python bench/bench_web.py [--users 20] [--seconds 60] [--keep]

`docgen serve` runs as its own process on 127.0.0.1 (a free port) over a new archive with four
units; each simulated user is a clerk of one unit, logs in once, then until the time is up
repeats: 工作台, the 承诺书 form, a live check, 生成并归档 (polling the job as the page does),
检索, the new record's 档案详情. A filing started before the end is waited for (bounded).

Afterwards: every request must have succeeded, every filing the users were told about must be
in the archive exactly once (no lost, no duplicated 件: each form carries a unique title), and
the archive must pass the 四性检测. Prints p50/p95 per page and for a whole filing.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from docgen.accounts import Accounts  # noqa: E402
from docgen.archive import Archive, init_archive  # noqa: E402

HOST = "127.0.0.1"  # never anything but loopback
UNITS = [("区建设局规划处", "GHC"), ("区建设局办公室", "BGS"), ("区建设局建管处", "JGC"),
         ("区建设局质监站", "ZJZ")]
PASSWORD = "bench-password-1"
JOB_GRACE = 300.0  # seconds a filing started before the end may take to finish
YEAR = dt.date.today().year


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class User(threading.Thread):
    def __init__(self, base: str, name: str, unit: tuple[str, str], deadline: float, stats):
        super().__init__(daemon=True)
        self.base, self.name, self.unit, self.deadline = base, name, unit, deadline
        self.stats = stats  # page -> [seconds]
        self.errors: list[str] = []
        self.filed: dict[str, str] = {}  # title -> 档号
        self.seq = 0

    def get(self, c, page: str, path: str, **kw):
        return self._timed(page, lambda: c.get(self.base + path, **kw))

    def post(self, c, page: str, path: str, **kw):
        return self._timed(page, lambda: c.post(self.base + path, **kw))

    def _timed(self, page, call):
        t = time.perf_counter()
        try:
            r = call()
        except Exception as e:  # noqa: BLE001 - counted as an error, reported at the end
            self.errors.append(f"{page}: {type(e).__name__}: {e}")
            return None
        self.stats[page].append(time.perf_counter() - t)
        if r.status_code >= 400:
            self.errors.append(f"{page}: HTTP {r.status_code}")
            return None
        return r

    def run(self):
        import httpx

        with httpx.Client(timeout=120, follow_redirects=False) as c:
            page = self.get(c, "login page", "/login")
            token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
            r = self.post(c, "login", "/login", data={"csrf": token, "name": self.name,
                                                      "password": PASSWORD})
            if r is None or r.status_code != 303:
                self.errors.append(f"login refused for {self.name}")
                return
            while time.monotonic() < self.deadline:
                self.round(c)

    def round(self, c):
        if self.get(c, "desk", "/desk") is None:
            return
        form = self.get(c, "form", "/forms/commitment")
        if form is None:
            return
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
        self.seq += 1
        title = f"{self.unit[0]}{YEAR}年服务承诺书（{self.name}第{self.seq}号）"
        data = {"csrf": csrf, "title": title, "unit": self.unit[0], "unit_code": self.unit[1],
                "issuer": self.unit[0], "addressee": "局监察科",
                "doc_number": f"建规〔{YEAR}〕{self.seq}号", "date": f"{YEAR}-01-05",
                "preamble": "为深入开展民主评议活动，我处向社会作出如下承诺。",
                "items.0.content": "建设工程规划许可证审批实行限时办结",
                "items.0.target": "办结时限由20个工作日压缩至10个工作日",
                "items.0.deadline": f"{YEAR}-12-30"}
        hx = {"HX-Request": "true"}
        if self.post(c, "live check", "/forms/commitment/check", data=data, headers=hx) is None:
            return
        started = time.perf_counter()
        r = self.post(c, "file (submit)", "/forms/commitment/file", data=data, headers=hx)
        if r is None:
            return
        job = re.search(r'hx-get="(/jobs/[^"]+)"', r.text)
        html = r.text
        give_up = time.monotonic() + JOB_GRACE + max(0.0, self.deadline - time.monotonic())
        while job and 'data-stage="done"' not in html and 'data-stage="failed"' not in html:
            if time.monotonic() > give_up:
                self.errors.append(f"filing of {title} did not finish")
                return
            time.sleep(1.0)  # as the page polls
            r = self.get(c, "job poll", job.group(1), headers=hx)
            if r is None:
                return
            html = r.text
        if 'data-stage="done"' not in html:
            self.errors.append(f"filing of {title} failed: {re.sub(r'<[^>]+>', ' ', html)[:300]}")
            return
        self.stats["filing (submit to filed)"].append(time.perf_counter() - started)
        number = re.search(r'/records/([^"]+)"', html).group(1)
        if title in self.filed:
            self.errors.append(f"{title} filed twice")
        self.filed[title] = number
        self.get(c, "search", "/search", params={"q": "限时办结", "unit": self.unit[1]})
        self.get(c, "record", f"/records/{number}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--keep", action="store_true", help="Keep the archive (its path is printed).")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="docgen-bench-web-"))
    root = work / "archive"
    arc = init_archive(root, fonds_code="Z109", fonds_name="区建设局", units=UNITS)
    arc.update_settings(deadlines={(YEAR, "commitment"): {"due": f"{YEAR}-12-31"}})
    accounts = Accounts.beside(root)
    people = []
    for i in range(args.users):
        name = f"clerk{i + 1:02d}"
        unit = UNITS[i % len(UNITS)]
        accounts.add(name, role="clerk", units=[unit[1]], password=PASSWORD)
        people.append((name, unit))

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "cli.py"), "--quiet", "serve", "--archive", str(root),
         "--host", HOST, "--port", str(port), "--workdir", str(work / "serve")],
        start_new_session=True)
    base = f"http://{HOST}:{port}"
    try:
        import httpx

        until = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > until or server.poll() is not None:
                print("docgen serve did not start", file=sys.stderr)
                return 1
            time.sleep(0.2)
        stats: dict[str, list[float]] = collections.defaultdict(list)
        t0 = time.monotonic()
        deadline = t0 + args.seconds
        users = [User(base, name, unit, deadline, stats) for name, unit in people]
        for u in users:
            u.start()
        for u in users:
            u.join(timeout=args.seconds + JOB_GRACE + 120)
        elapsed = time.monotonic() - t0
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()

    errors = [e for u in users for e in u.errors] + [f"{u.name}: still running"
                                                      for u in users if u.is_alive()]
    told = {title: number for u in users for title, number in u.filed.items()}
    arc = Archive(root)
    on_disk = [(r.title, r.filing_number) for r in arc.records()]
    titles = collections.Counter(t for t, _ in on_disk)
    duplicated = [t for t, n in titles.items() if n > 1]
    lost = [t for t in told if told[t] not in {n for _, n in on_disk}]
    unreported = [t for t, _ in on_disk if t not in told]
    report = arc.verify()
    requests = sum(len(v) for k, v in stats.items() if not k.startswith("filing ("))

    print(f"docgen serve on {HOST}; {args.users} users for {args.seconds:.0f} s "
          f"(all done after {elapsed:.0f} s); {os.cpu_count()} CPUs")
    print(f"requests: {requests}, errors: {len(errors)}; filed: {len(told)} 件 "
          f"({len(on_disk)} on disk), lost: {len(lost)}, duplicated: {len(duplicated)}, "
          f"unreported: {len(unreported)}; 四性检测: {'pass' if report.ok else 'FAIL'}")
    print(f"{'page':28} {'n':>5} {'p50 ms':>8} {'p95 ms':>8}")
    for page, times in stats.items():
        times = sorted(times)
        p50 = statistics.median(times) * 1000
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))] * 1000
        print(f"{page:28} {len(times):5d} {p50:8.0f} {p95:8.0f}")
    for e in errors[:20]:
        print(f"error: {e}", file=sys.stderr)
    for p in report.problems[:20]:
        print(f"verify: {p}", file=sys.stderr)
    if args.keep:
        print(f"archive kept at {root}")
    else:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    ok = not errors and not lost and not duplicated and not unreported and report.ok and told
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
