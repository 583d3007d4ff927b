#!/usr/bin/env python3
"""boxlua benchmarks (issue 7), each figure a ratio against a peer measured in the same run.

1. list N users from `boxlua sandbox`: boxlua against Box's Python SDK (boxsdk 10.x)
2. peak RSS of boxlua's listing
3. start-up: `boxlua -e ''` against `lua5.4 -e ''`; the installed (stripped) binary's start-up,
   size and libraries
4. M status updates at the sandbox's latency_ms=20: sequential against box.parallel (8 workers),
   and against the bound Box's rate limit sets
Run through scripts/bench, which builds boxlua and makes the virtualenv.
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
    def __init__(self, boxlua, extra_users, faults=None, state=None):
        self.dir = tempfile.mkdtemp(prefix="boxlua-bench-")
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
        cmd = [boxlua, "sandbox", "--port", "0", "--seed", path]
        if faults:
            cmd += ["--faults", faults]
        env = dict(os.environ, XDG_STATE_HOME=os.path.join(self.dir, "state"))
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

    # 3: start-up.
    def startup(cmd):
        samples = []
        for _ in range(40):
            t = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            samples.append(time.perf_counter() - t)
        return statistics.median(samples)
    startup([boxlua, "-e", ""])
    b_start, l_start = startup([boxlua, "-e", ""]), startup(["lua5.4", "-e", ""])
    rows.append(("start-up `-e ''` (median of 40)", f"{b_start * 1000:.1f} ms", f"lua5.4 {l_start * 1000:.1f} ms",
                 f"{b_start / l_start:.1f}x lua5.4", "<= 3x", b_start / l_start <= 3))

    # 3b: the installed binary, its start-up alternating with lua5.4's run by run.
    if args.installed:
        inst, lua = [], []
        for cmd in ([args.installed, "-e", ""], ["lua5.4", "-e", ""]):
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        for _ in range(40):
            for cmd, samples in (([args.installed, "-e", ""], inst), (["lua5.4", "-e", ""], lua)):
                t = time.perf_counter()
                subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
                samples.append(time.perf_counter() - t)
        i_start, l_start = statistics.median(inst), statistics.median(lua)
        rows.append(("installed `bin/boxlua` start-up `-e ''` (median of 40)", f"{i_start * 1000:.1f} ms",
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
        idfile = os.path.join(sb.dir, "ids.txt")
        measure([boxlua, "-e", f"""
            local f = assert(io.open({json.dumps(idfile)}, "w"))
            local n = 0
            for u in box.users.list{{}} do
              if u.login:match("^bench") then f:write(u.id, "\\n") n = n + 1 end
              if n == {updates} then break end
            end
            f:close()"""], env)
        load = f'local ids = {{}} for l in io.lines({json.dumps(idfile)}) do ids[#ids + 1] = l end'
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

    m = machine()
    header = ["measure", "boxlua", "peer", "ratio", "target", "met"]
    table = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        table.append("| " + " | ".join(str(x) for x in r[:5]) + " | " + ("yes" if r[5] else "**no**") + " |")
    for line in table:
        print(line)
    with open(args.out, "w") as f:
        f.write("# boxlua benchmarks\n\n")
        f.write(f"Written by `scripts/bench` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. "
                "Each figure is measured against a peer in the same run; the sandbox (`boxlua sandbox`, "
                "a separate process) serves both sides over loopback.\n\n")
        f.write(f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}; {m['os']}; {m['swift']}; "
                f"{m['lua']}; {m['sdk']} on Python {m['python']}.\n\n")
        f.write("\n".join(table) + "\n\n")
        f.write(f"Listing: {users} extra users plus the admin, 1000 per page, marker paging, "
                f"{runs} runs each, alternating. Start-up: 40 runs each after a warm-up (the installed binary's "
                "alternating run by run with lua5.4's). Updates: "
                f"`box.users.update` of job_title on {updates} users; the sandbox sleeps 20 ms per request "
                "(`--faults latency_ms=20`). The rate-limit row is Box's documented limit (about 1000 "
                "requests per minute per user), which bounds any client; the sandbox applies none here.\n")
        notes = os.environ.get("BENCH_NOTES") or os.path.join(os.path.dirname(__file__), "notes.md")
        if os.path.exists(notes):
            f.write("\n" + open(notes).read())
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
