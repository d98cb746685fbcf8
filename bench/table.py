"""bench/run's table: gsignin's figures as ratios to its peers and to this machine's limits.

usage: table.py WORK N N_PY DURATION CONNECTIONS   (reads what bench/run left in WORK)
"""
import datetime, json, os, platform, sys

work, n, n_py, duration, connections = sys.argv[1], *map(int, sys.argv[2:6])


def load(name):
    path = os.path.join(work, name)
    return json.load(open(path)) if os.path.exists(path) else None


def hyperfine(name):
    doc = load(f"{name}.json")
    return {r["command"]: r for r in doc["results"]} if doc else {}


def ms(seconds):
    return f"{seconds * 1000:.2f} ms"


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


limits = load("limits.json")
openssl = load("openssl.json")
today = datetime.date.today().isoformat()
print(f"gsignin bench, {today}: {os.cpu_count()} cores ({cpu_model()}), {platform.system()} {platform.release()}")
line = (f"Limits (aws-lc-rs, {limits['threads']} threads): {limits['rs256_verifies_per_s']:,.0f} RS256 verifies/s, "
        f"{limits['rs256_signs_per_s']:,.0f} signs/s")
if openssl:
    line += f"; openssl speed: {openssl['verify']:,.0f} verifies/s, {openssl['sign']:,.0f} signs/s"
print(line)
print()
print("| what | gsignin | against | ratio | goal |")
print("|---|---:|---|---:|---|")


def row(what, ours, against, ratio, goal=""):
    print(f"| {what} | {ours} | {against} | {ratio} | {goal} |")


def times(a, b):
    return f"{a / b:.2f}x the time"


one = hyperfine("one")
if one:
    ours = one["gsignin whoami TOKEN (warm key cache)"]
    jwt = one["jwt-cli: jwt decode -S @jwks.json TOKEN"]
    row(f"one ID token, whole process, min of {len(ours['times'])}", ms(ours["min"]),
        f"jwt-cli decode -S {ms(jwt['min'])}", times(ours["min"], jwt["min"]), "≤ 1.0x")
    row("one ID token, median", ms(ours["median"]), f"jwt-cli {ms(jwt['median'])}",
        times(ours["median"], jwt["median"]))
    saved = one["gsignin whoami TOKEN --jwks jwks.json"]
    row("one ID token, saved JWKS, median", ms(saved["median"]), f"jwt-cli {ms(jwt['median'])}",
        times(saved["median"], jwt["median"]))
    for peer in ["PyJWT (saved JWKS)", "google-auth verify_token (fetches certs)"]:
        p = one[peer]
        row("one ID token, median", ms(ours["median"]), f"{peer} {ms(p['median'])}",
            f"{p['median'] / ours['median']:.1f}x faster")
    v, jv, true = one["gsignin --version"], one["jwt-cli: jwt --version"], one["/bin/true"]
    row(f"start-up: --version, min of {len(v['times'])}", ms(v["min"]),
        f"jwt-cli --version {ms(jv['min'])} (/bin/true {ms(true['min'])})", times(v["min"], jv["min"]))
perf = {}
if os.path.exists(os.path.join(work, "perf.jsonl")):
    for line in open(os.path.join(work, "perf.jsonl")):
        doc = json.loads(line)
        perf[doc["name"]] = doc
for ours, theirs in [("gsignin --version", "jwt-cli --version"), ("gsignin whoami TOKEN", "jwt-cli decode -S")]:
    if ours in perf and theirs in perf:
        a, b = perf[ours], perf[theirs]
        row(f"perf stat: {ours}", f"{a['task_clock_ms']:.2f} ms task-clock, {a['page_faults']:.0f} page faults",
            f"{theirs}: {b['task_clock_ms']:.2f} ms, {b['page_faults']:.0f}",
            times(a["task_clock_ms"], b["task_clock_ms"]))
if one and not perf:
    row("perf stat", "not measured", "perf is not installed here, or cannot count", "")

batch_runs = sorted(
    (n / float(wall), int(rss_kb))
    for wall, rss_kb in (open(os.path.join(work, f)).read().split()
                         for f in os.listdir(work) if f.startswith("batch.time")))
if batch_runs:
    rate = batch_runs[len(batch_runs) // 2][0]
    limit = limits["rs256_verifies_per_s"]
    shares = ", ".join(f"{100 * r / limit:.0f}" for r, _ in batch_runs)
    row(f"{n:,} tokens on stdin, --json, median of {len(batch_runs)}", f"{rate:,.0f} tokens/s",
        f"aws-lc-rs verify limit {limit:,.0f}/s", f"{100 * rate / limit:.0f} % (runs: {shares} %)", "≥ 75 %")
    row("  its peak RSS", f"{max(k for _, k in batch_runs) / 1024:.1f} MB", "", "", "< 20 MB")
    for lib, label in [("google-auth", "google-auth jwt.decode, cached certs"), ("pyjwt", "PyJWT jwt.decode, cached keys")]:
        theirs = float(open(os.path.join(work, f"batch.{lib}")).read())
        row(f"  beside {label} ({n_py:,} tokens, one process)", f"{rate:,.0f} tokens/s",
            f"{theirs:,.0f} tokens/s", f"{rate / theirs:.1f}x faster")

exchange = hyperfine("exchange")
if exchange:
    ours = exchange["gsignin exchange (file store)"]
    for peer, r in exchange.items():
        if peer.startswith("gsignin"):
            continue
        row("exchange a fresh code, whole process, median", ms(ours["median"]), f"{peer} {ms(r['median'])}",
            f"{r['median'] / ours['median']:.1f}x faster")

emulator = load("emulator.json")
if emulator:
    signs = limits["rs256_signs_per_s"]
    wrk = f"wrk -t{os.cpu_count()} -c{connections} -d{duration}s on the same cores"
    row(f"emulator /token, refresh grant, an ID token signed per answer ({wrk})", f"{emulator['token']:,} req/s",
        f"aws-lc-rs sign limit {signs:,.0f}/s", f"{100 * emulator['token'] / signs:.0f} %", "≥ 85 %")
    row("  beside oauth2-mock-server 7.2.1 /token (it signs two JWTs per answer)", f"{emulator['token']:,} req/s",
        f"{emulator['mock_token']:,} req/s", f"{emulator['token'] / max(emulator['mock_token'], 1):.1f}x")
    row("emulator certs (JWKS)", f"{emulator['certs']:,} req/s", f"oauth2-mock-server {emulator['mock_certs']:,} req/s",
        f"{emulator['certs'] / max(emulator['mock_certs'], 1):.1f}x")
    row("emulator RSS at rest", f"{emulator['rss_rest_kb'] / 1024:.1f} MB", "", "", "< 40 MB")
    row("  after the /token load (its access tokens live an hour)", f"{emulator['rss_loaded_kb'] / 1024:.1f} MB", "", "", "")
