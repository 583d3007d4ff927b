#!/usr/bin/env python3
"""boxlua benchmarks (issue 7), each figure a ratio against a peer measured in the same run.

1. list N users from `boxlua sandbox`: boxlua against Box's Python SDK (boxsdk 10.x)
2. peak RSS of boxlua's listing
3. the installed (stripped) binary, which every row runs: its start-up (`-e ''`) against
   `lua5.4 -e ''`, run by run in turn, its size and libraries
4. M status updates at the sandbox's latency_ms=20: sequential against box.parallel (8 workers),
   and against the bound Box's rate limit sets
5. where real Box is slow (issue 18), each row against what a user would otherwise run:
   listing at latency_ms=100 (boxsdk's marker loop), M updates under rate_limit=1200/min,burst=20
   with 80 ms latency (a sequential loop, boxsdk with a thread pool of 8), and box.last_logins on
   a --generate'd enterprise at 100 ms latency (a sequential boxsdk stream read); each with wall
   time, requests answered 429 (counted from the sandbox's response capture), peak RSS and the
   bound the latency or the limit sets
Run through scripts/bench, which installs boxlua (scripts/install) and makes the virtualenv.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

SDK_LIST = r'''
import sys
from box_sdk_gen import BoxClient, BoxDeveloperTokenAuth, BaseUrls
client = BoxClient(auth=BoxDeveloperTokenAuth(token=sys.argv[2])).with_custom_base_urls(
    BaseUrls(base_url=sys.argv[1], upload_url=sys.argv[1] + "/api", oauth_2_url=sys.argv[1] + "/oauth2"))
n, marker = 0, None
while True:
    page = client.users.get_users(usemarker=True, limit=1000, marker=marker)
    n += len(page.entries)
    marker = page.next_marker
    if not marker:
        break
print(n)
'''

BOXLUA_LIST = "local n = 0 for u in box.users.list{} do n = n + 1 end print(n)"

SDK_CLIENT = r'''
import sys
from box_sdk_gen import BoxClient, BoxDeveloperTokenAuth, BaseUrls
client = BoxClient(auth=BoxDeveloperTokenAuth(token=sys.argv[2])).with_custom_base_urls(
    BaseUrls(base_url=sys.argv[1], upload_url=sys.argv[1] + "/api", oauth_2_url=sys.argv[1] + "/oauth2"))
'''

# What a Python admin writes to update many users at once: a pool of 8 threads.
SDK_POOL_UPDATES = SDK_CLIENT + r'''
from concurrent.futures import ThreadPoolExecutor
ids = [l.strip() for l in open(sys.argv[3]) if l.strip()]
failed = 0
def update(i):
    client.users.update_user_by_id(i, job_title="sdk pool")
with ThreadPoolExecutor(8) as pool:
    for f in [pool.submit(update, i) for i in ids]:
        try:
            f.result()
        except Exception:
            failed += 1
print(len(ids) - failed, failed)
'''

# The newest LOGIN per user over the last N days, one stream page after another (at most
# argv[4] pages: at 100 ms and boxsdk's parsing, all 4,000 pages of 2,000,000 events take most of
# an hour on a shared two-core machine).
SDK_LAST_LOGINS = SDK_CLIENT + r'''
import datetime
from box_sdk_gen import GetEventsStreamType, GetEventsEventType
after = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=int(sys.argv[3]))
newest, position, pages = {}, "0", 0
while pages < int(sys.argv[4]):
    page = client.events.get_events(stream_type=GetEventsStreamType.ADMIN_LOGS, event_type=[GetEventsEventType.LOGIN],
                                    created_after=after.replace(microsecond=0), limit=500, stream_position=position)
    if not page.entries:
        break
    pages += 1
    for e in page.entries:
        who = e.created_by.id
        if who not in newest or e.created_at > newest[who]:
            newest[who] = e.created_at
    position = str(page.next_stream_position)
print(len(newest), pages)
'''


def measure(cmd, env=None, stdin=None):
    """Wall seconds, peak RSS in MiB and stdout of one run of cmd."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.PIPE if stdin else subprocess.DEVNULL)
    out, err = p.communicate(stdin.encode() if stdin else None)
    wall = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd[:3])}... failed ({p.returncode}): {err.decode()[-800:]}")
    return wall, out.decode(), err.decode()


def measure_rss(cmd, env=None):
    """Like measure, but through os.wait4 so that the child's own peak RSS is known."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit(f"bench: {' '.join(cmd[:3])}... failed: {err.decode()[-800:]}")
    return wall, usage.ru_maxrss / 1024.0, out.decode()


class Sandbox:
    def __init__(self, boxlua, extra_users, faults=None, state=None, generate=None, capture=False):
        self.dir = tempfile.mkdtemp(prefix="boxlua-bench-")
        self.capture = os.path.join(self.dir, "capture.jsonl") if capture else None
        seed = {
            "boxlua_sandbox_seed": 1,
            "enterprise": {"id": "920512", "name": "Bench Enterprise"},
            "admin_user_id": "1001", "service_account_user_id": "1002",
            "extra_users": extra_users,
            "users": [
                {"id": "1001", "name": "Bench Admin", "login": "admin@bench.example", "role": "admin"},
                {"id": "1002", "name": "Bench Service", "login": "AutomationUser_1_bench@boxdevedition.com",
                 "role": "coadmin"},
            ],
        }
        path = os.path.join(self.dir, "seed.json")
        with open(path, "w") as f:
            json.dump(seed, f)
        cmd = [boxlua, "sandbox", "--port", "0"] + (["--generate", generate] if generate else ["--seed", path])
        if faults:
            cmd += ["--faults", faults]
        env = dict(os.environ, XDG_STATE_HOME=os.path.join(self.dir, "state"))
        if self.capture:
            env["BOXLUA_SANDBOX_CAPTURE"] = self.capture
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        lines = [self.proc.stdout.readline().decode().strip() for _ in range(4)]
        if not lines[0].startswith("listening "):
            sys.exit(f"bench: the sandbox did not start: {lines} {self.proc.stderr.read().decode()}")
        self.url = lines[0].split(" ", 1)[1]
        exports = dict(kv.split("=", 1) for kv in lines[1].replace("export ", "").split())
        self.token = exports["BOX_ACCESS_TOKEN"]

    def env(self):
        return dict(os.environ, BOX_BASE_URL=self.url, BOX_ACCESS_TOKEN=self.token,
                    XDG_STATE_HOME=os.path.join(self.dir, "state"), BOXLUA_PROFILE="")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)

    def answered(self, status):
        """How many responses so far had `status` (from the capture file)."""
        n = 0
        with open(self.capture) as f:
            for line in f:
                if f'"status":{status},' in line or line.rstrip().endswith(f'"status":{status}}}'):
                    n += 1
        return n


def measure_rss_stdin(cmd, env=None):
    """measure_rss for a command whose output is one line."""
    wall, rss, out = measure_rss(cmd, env)
    return wall, rss, out.strip()


def median_runs(n, fn):
    return statistics.median(fn() for _ in range(n))


def machine():
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(open("/proc/meminfo").readline().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    osname = platform.platform()
    try:
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                osname = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    lua = subprocess.run(["lua5.4", "-v"], capture_output=True, text=True).stdout.strip()
    try:
        from importlib.metadata import version
        sdk = "boxsdk " + version("boxsdk")
    except Exception:
        sdk = "boxsdk (version unknown)"
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "os": osname, "swift": swift, "lua": lua,
            "sdk": sdk, "python": platform.python_version()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--boxlua", required=True)
    ap.add_argument("--installed", help="the binary scripts/install installed")
    ap.add_argument("--out", default="BENCHMARKS.md")
    args = ap.parse_args()
    users = int(os.environ.get("BENCH_USERS", "100000"))
    updates = int(os.environ.get("BENCH_UPDATES", "2000"))
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    boxlua = args.boxlua
    rows = []

    # 1 and 2: listing.
    sb = Sandbox(boxlua, users)
    try:
        env = sb.env()
        expected = users + 1  # the admin; the service account is not listed
        lua_runs, sdk_runs, rss = [], [], []
        for _ in range(runs):
            wall, peak, out = measure_rss([boxlua, "-e", BOXLUA_LIST], env)
            if int(out.strip()) != expected:
                sys.exit(f"bench: boxlua listed {out.strip()} users, expected {expected}")
            lua_runs.append(wall)
            rss.append(peak)
            wall, _, out = measure_rss([sys.executable, "-c", SDK_LIST, sb.url, sb.token], env)
            if int(out.strip()) != expected:
                sys.exit(f"bench: the Python SDK listed {out.strip()} users, expected {expected}")
            sdk_runs.append(wall)
    finally:
        sb.stop()
    lua_list, sdk_list = statistics.median(lua_runs), statistics.median(sdk_runs)
    rows.append(("list %d users (wall, median of %d)" % (expected, runs), f"{lua_list:.2f} s",
                 f"boxsdk {sdk_list:.2f} s", f"{sdk_list / lua_list:.1f}x faster", ">= 5x",
                 sdk_list / lua_list >= 5))
    peak = max(rss)
    rows.append((f"peak RSS listing {expected} users", f"{peak:.1f} MiB", "-", "-", "< 60 MB",
                 peak * 1.048576 < 60))

    # 3: start-up of the installed binary, alternating with lua5.4's run by run.
    if args.installed:
        inst, lua = [], []
        for cmd in ([args.installed, "-e", ""], ["lua5.4", "-e", ""]):
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        for _ in range(200):
            for cmd, samples in (([args.installed, "-e", ""], inst), (["lua5.4", "-e", ""], lua)):
                t = time.perf_counter()
                subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
                samples.append(time.perf_counter() - t)
        i_start, l_start = statistics.median(inst), statistics.median(lua)
        rows.append(("installed `bin/boxlua` start-up `-e ''` (median of 200)", f"{i_start * 1000:.1f} ms",
                     f"lua5.4 {l_start * 1000:.1f} ms", f"{i_start / l_start:.1f}x lua5.4", "<= 3x",
                     i_start / l_start <= 3))
        size = os.path.getsize(args.installed) / 1e6
        lua_size = os.path.getsize(os.path.realpath("/usr/bin/lua5.4")) / 1e6
        rows.append(("installed `bin/boxlua` size (stripped)", f"{size:.1f} MB", f"lua5.4 {lua_size:.2f} MB",
                     f"{size / lua_size:.0f}x lua5.4", "<= 25 MB", size <= 25))
        ldd = subprocess.run(["ldd", args.installed], capture_output=True, text=True).stdout
        libs = [l.split("=>")[-1].split("(")[0].strip() for l in ldd.splitlines() if "=>" in l]
        outside = [p for p in libs if not p.startswith(("/lib/", "/usr/lib/"))]
        rows.append(("installed `bin/boxlua` libraries (ldd)",
                     f"{len(libs)}, " + ("all in /lib or /usr/lib" if not outside else "outside: " + " ".join(outside)),
                     "-", "-", "system libraries only", not outside))

    # 4: parallel updates at 20 ms latency.
    sb = Sandbox(boxlua, max(updates, 10), faults="latency_ms=20")
    try:
        env = sb.env()
        _, load = bench_user_ids(boxlua, sb, env, updates)
        seq_code = load + ' for i, id in ipairs(ids) do box.users.update(id, {job_title = "seq " .. i}) end'
        par_code = load + (' local r = box.parallel(ids, function(id) return box.users.update(id, {job_title = "par"}) end,'
                           ' {workers = 8}) for _, x in ipairs(r) do assert(x.ok, tostring(x.error)) end')
        seq, _, _ = measure([boxlua, "--quiet", "-e", seq_code], env)
        par, _, _ = measure([boxlua, "--quiet", "-e", par_code], env)
    finally:
        sb.stop()
    bound = updates / (1000 / 60.0)
    rows.append((f"{updates} updates at 20 ms latency", f"parallel {par:.2f} s", f"sequential {seq:.2f} s",
                 f"{seq / par:.1f}x faster", ">= 6x", seq / par >= 6))
    rows.append((f"{updates} updates at Box's rate limit", f"{bound:.0f} s at best", "~1000 requests/min/user",
                 f"parallel is {bound / par:.0f}x under it", "bound by Box", True))

    slow_rows = where_box_is_slow(boxlua, updates)

    m = machine()
    header = ["measure", "boxlua", "peer", "ratio", "target", "met"]
    table = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        table.append("| " + " | ".join(str(x) for x in r[:5]) + " | " + ("yes" if r[5] else "**no**") + " |")
    for line in table:
        print(line)
    for r in slow_rows:
        print(" | ".join(str(x) for x in r))
    with open(args.out, "w") as f:
        f.write("# boxlua benchmarks\n\n")
        f.write(f"Written by `scripts/bench` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. "
                "Each figure is measured against a peer in the same run; the sandbox (`boxlua sandbox`, "
                "a separate process) serves both sides over loopback.\n\n")
        f.write(f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}; {m['os']}; {m['swift']}; "
                f"{m['lua']}; {m['sdk']} on Python {m['python']}.\n\n")
        f.write("\n".join(table) + "\n\n")
        f.write(f"Listing: {users} extra users plus the admin, 1000 per page, marker paging, "
                f"{runs} runs each, alternating. Every row runs the installed binary (scripts/install). "
                "Start-up: 200 runs each after a warm-up, the installed binary's alternating run by run with "
                "lua5.4's. Updates: "
                f"`box.users.update` of job_title on {updates} users; the sandbox sleeps 20 ms per request "
                "(`--faults latency_ms=20`). The rate-limit row is Box's documented limit (about 1000 "
                "requests per minute per user), which bounds any client; the sandbox applies none here.\n")
        f.write("\n## Where real Box is slow (issue 18)\n\n")
        f.write("Each row in the same run on one `boxlua sandbox` per row, with the latency and the limit "
                "set by `--faults` (`latency_ms`, `rate_limit=N/min,burst=B`); 429s are the sandbox's "
                "responses with that status (its response capture); peak RSS is each client's own.\n\n")
        sh = ["measure", "boxlua", "peer", "ratio", "429s (boxlua / peer)", "peak RSS (boxlua / peer)",
              "bound", "target", "met"]
        f.write("| " + " | ".join(sh) + " |\n|" + "---|" * len(sh) + "\n")
        for r in slow_rows:
            f.write("| " + " | ".join(str(x) for x in r[:8]) + " | " + ("yes" if r[8] else "**no**") + " |\n")
        notes = os.environ.get("BENCH_NOTES") or os.path.join(os.path.dirname(__file__), "notes.md")
        if os.path.exists(notes):
            f.write("\n" + open(notes).read())
    print(f"wrote {args.out}")


def bench_user_ids(boxlua, sb, env, updates):
    """Writes the ids of the sandbox's first `updates` bench users to a file; returns its path
    and the Lua that reads them into `ids`."""
    idfile = os.path.join(sb.dir, "ids.txt")
    measure([boxlua, "-e", f"""
        local f = assert(io.open({json.dumps(idfile)}, "w"))
        local n = 0
        for u in box.users.list{{}} do
          if u.login:match("^bench") then f:write(u.id, "\\n") n = n + 1 end
          if n == {updates} then break end
        end
        f:close()"""], env)
    return idfile, f'local ids = {{}} for l in io.lines({json.dumps(idfile)}) do ids[#ids + 1] = l end'


def where_box_is_slow(boxlua, updates):
    """The rows of issue 18; sizes from BENCH_SLOW_USERS, BENCH_EVENTS_USERS, BENCH_EVENTS, BENCH_DAYS."""
    rows = []
    mib = lambda x: f"{x:.0f} MiB"

    # Listing at 100 ms a page: boxlua against boxsdk's marker loop.
    users = int(os.environ.get("BENCH_SLOW_USERS", "100000"))
    sb = Sandbox(boxlua, users, faults="latency_ms=100", capture=False)
    try:
        env = sb.env()
        expected = users + 1
        lua, lua_rss, out = measure_rss_stdin([boxlua, "-e", BOXLUA_LIST], env)
        assert int(out) == expected, out
        sdk, sdk_rss, out = measure_rss_stdin([sys.executable, "-c", SDK_LIST, sb.url, sb.token], env)
        assert int(out) == expected, out
    finally:
        sb.stop()
    pages = expected // 1000 + 1
    bound = pages * 0.1
    print(f"listing at 100 ms: boxlua {lua:.2f} s, boxsdk {sdk:.2f} s, bound {bound:.1f} s", file=sys.stderr)
    rows.append((f"list {expected} users at 100 ms latency", f"{lua:.2f} s", f"boxsdk {sdk:.2f} s",
                 f"{sdk / lua:.1f}x faster", "0 / 0 (no limit)", f"{mib(lua_rss)} / {mib(sdk_rss)}",
                 f"{pages} pages x 100 ms = {bound:.1f} s", "<= bound + 10%", lua <= bound * 1.1))

    # Updates under Box's kind of rate limit, with 80 ms latency.
    rate, burst = 1200, 20
    sb = Sandbox(boxlua, max(updates, 10), faults=f"rate_limit={rate}/min,burst={burst},latency_ms=80", capture=True)
    try:
        env = sb.env()
        idfile, load = bench_user_ids(boxlua, sb, env, updates)
        par_code = load + (' local r = box.parallel(ids, function(id) return box.users.update(id, {job_title = "par"}) end,'
                           ' {workers = 8}) local n = 0 for _, x in ipairs(r) do assert(x.ok, tostring(x.error)) n = n + 1 end'
                           ' print(n)')
        seq_code = load + ' for i, id in ipairs(ids) do box.users.update(id, {job_title = "seq " .. i}) end print(#ids)'
        results = {}
        for name, cmd in [("parallel", [boxlua, "--quiet", "-e", par_code]),
                          ("sequential", [boxlua, "--quiet", "-e", seq_code]),
                          ("sdk", [sys.executable, "-c", SDK_POOL_UPDATES, sb.url, sb.token, idfile])]:
            before_429, before_ok = sb.answered(429), sb.answered(200)
            wall, rss, out = measure_rss_stdin(cmd, env)
            results[name] = (wall, rss, sb.answered(429) - before_429, out)
            print(f"updates {name}: {wall:.1f} s, {results[name][2]} answered 429, {out}", file=sys.stderr)
    finally:
        sb.stop()
    bound = (updates - burst) / (rate / 60.0)
    par, seq, sdk = results["parallel"], results["sequential"], results["sdk"]
    share = par[2] / (updates + par[2])
    rate_share = bound / par[0]
    sdk_done = sdk[3].split()
    rows.append((f"{updates} updates at rate_limit={rate}/min,burst={burst}, 80 ms latency",
                 f"box.parallel {par[0]:.1f} s ({rate_share * 100:.0f}% of the limit's rate)",
                 f"sequential loop {seq[0]:.1f} s", f"{seq[0] / par[0]:.1f}x faster",
                 f"{par[2]} ({share * 100:.1f}%) / {seq[2]}", f"{mib(par[1])} / {mib(seq[1])}",
                 f"({updates} - {burst}) / {rate // 60} a second = {bound:.0f} s",
                 ">= 90% of the rate, <= 5% 429s", rate_share >= 0.9 and share <= 0.05))
    rows.append((f"{updates} updates, the same limit", f"box.parallel {par[0]:.1f} s",
                 f"boxsdk, 8 threads {sdk[0]:.1f} s ({sdk_done[1] if len(sdk_done) > 1 else '?'} failed)",
                 f"{sdk[0] / par[0]:.1f}x faster", f"{par[2]} / {sdk[2]} ({sdk[2] / (updates + sdk[2]) * 100:.0f}%)",
                 f"{mib(par[1])} / {mib(sdk[1])}", f"{bound:.0f} s", "fewer 429s, every change once",
                 par[2] < sdk[2]))

    # last_logins over a generated enterprise's events at 100 ms a request.
    ev_users = int(os.environ.get("BENCH_EVENTS_USERS", "100000"))
    events = int(os.environ.get("BENCH_EVENTS", "2000000"))
    days = int(os.environ.get("BENCH_DAYS", "180"))
    sb = Sandbox(boxlua, 0, faults="latency_ms=100", generate=f"users={ev_users},events={events},days={days}")
    try:
        env = sb.env()
        code = f"local n = 0 for _ in pairs(box.last_logins{{days = {days}}}) do n = n + 1 end print(n)"
        lua, lua_rss, lua_out = measure_rss_stdin([boxlua, "-e", code], env)
        print(f"last_logins: boxlua {lua:.1f} s ({lua_out} users)", file=sys.stderr)
        sdk_pages = int(os.environ.get("BENCH_SDK_EVENT_PAGES", "400"))
        sdk_part, sdk_rss, sdk_out = measure_rss_stdin(
            [sys.executable, "-c", SDK_LAST_LOGINS, sb.url, sb.token, str(days), str(sdk_pages)], env)
        sdk_users, sdk_read = (int(x) for x in sdk_out.split())
        print(f"last_logins: boxsdk {sdk_part:.1f} s for {sdk_read} pages", file=sys.stderr)
    finally:
        sb.stop()
    pages = events // 500 + 1
    bound = pages * 0.1
    # The boxsdk read of every page, scaled from the pages it read (all of them when it finished).
    sdk = sdk_part * pages / max(sdk_read, 1) if sdk_read >= sdk_pages else sdk_part
    scaled = f", {sdk_read} of {pages} pages read, scaled" if sdk_read >= sdk_pages else ""
    rows.append((f"box.last_logins{{days={days}}}, {events} LOGIN events of {ev_users} users, 100 ms latency",
                 f"{lua:.1f} s ({lua_out} users)", f"boxsdk stream read {sdk:.0f} s ({sdk_part:.1f} s{scaled})",
                 f"{sdk / lua:.1f}x faster", "0 / 0 (no limit)", f"{mib(lua_rss)} / {mib(sdk_rss)}",
                 f"any sequential reader: {pages} pages x 100 ms = {bound:.0f} s ({bound / lua:.1f}x boxlua)",
                 ">= 6x a sequential reader", sdk / lua >= 6 and bound / lua >= 6))
    return rows


if __name__ == "__main__":
    main()
