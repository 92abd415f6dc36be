# SPDX-License-Identifier: Apache-2.0
"""Prints bench/run's table: every figure beside its target, met or not, from the results of one run.

usage: /usr/bin/python3 report.py RESULTS_DIR
RESULTS_DIR holds the Google Benchmark JSON files (aggregates: median, and max where a benchmark
asks for it), oauthlib.json, cli_ns.txt, compile.txt and machine.env, as bench/run writes them.
"""
import json
import os
import statistics
import sys


def load(results, name):
    with open(os.path.join(results, name + ".json")) as f:
        return json.load(f)


def aggregate(doc, run_name, which="median"):
    for b in doc["benchmarks"]:
        if b.get("run_name") == run_name and b.get("aggregate_name") == which:
            return b
    raise KeyError(f"{run_name} ({which}) not in the results")


def fmt_ns(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.1f} ms"
    if ns >= 1e4:
        return f"{ns / 1e3:.0f} µs"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.1f} ns"


def fmt_rate(per_second):
    return f"{per_second / 1e6:.2f} M/s" if per_second >= 1e6 else f"{per_second / 1e3:.0f} k/s"


def verdict(ok):
    if ok is None:
        return ""
    return "met" if ok else "**not met**"


def main():
    results = sys.argv[1]
    machine = {}
    with open(os.path.join(results, "machine.env")) as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("=")
            machine[key] = value
    rows = []  # (section, figure, measured, target, met)

    def row(section, figure, measured, target="", ok=None):
        rows.append((section, figure, measured, target, verdict(ok)))

    # 1. Cache hits. CPU per call from the plain run; thread scaling from the run under SCHED_RR
    # when bench/run could make one (its threads then get the cores), else from the plain run.
    hits = load(results, "cache_hit")
    rt_path = os.path.join(results, "cache_hit_rt.json")
    scaling = load(results, "cache_hit_rt") if os.path.exists(rt_path) else hits
    how = "SCHED_RR" if scaling is not hits else "normal priority"

    def hit(name, threads, doc=hits):
        return aggregate(doc, f"{name}/real_time/threads:{threads}")

    base1 = hit("baseline_mutex_sync", 1)
    s = "1. cache hit"
    for name, label in (("hit_co_await", "`co_await provider.token()`"),
                        ("hit_async_token", "`async_token` + callback"),
                        ("hit_cached", "`cached()`"),
                        ("baseline_mutex_sync", "mutex-guarded cache, sync call (baseline)")):
        cpu = hit(name, 1)["cpu_time"]
        if name == "hit_co_await":
            row(s, f"{label}, 1 thread, CPU per call", fmt_ns(cpu),
                f"≤ baseline ({fmt_ns(base1['cpu_time'])})", cpu <= base1["cpu_time"])
        elif name == "hit_cached":
            row(s, f"{label}, 1 thread, CPU per call", fmt_ns(cpu), "≤ 50 ns", cpu <= 50)
        else:
            row(s, f"{label}, 1 thread, CPU per call", fmt_ns(cpu))
        rates = [hit(name, t, scaling)["items_per_second"] for t in (1, 2, 4)]
        ratio = rates[1] / rates[0]
        target = "≥ 1.7×" if name != "baseline_mutex_sync" else ""
        row(s, f"{label}, calls/s on 1 / 2 / 4 threads ({how})",
            " / ".join(fmt_rate(r) for r in rates) + f" (2 threads: {ratio:.2f}×)",
            target, ratio >= 1.7 if target else None)
    cores = aggregate(scaling, "cores_available/iterations:5/real_time/threads:2")["cores"]
    row(s, f"cores two busy threads got ({how}; the machine has 2)", f"{cores:.2f}")
    if scaling is not hits:
        plain = aggregate(hits, "cores_available/iterations:5/real_time/threads:2")["cores"]
        plain_ratio = (hit("hit_co_await", 2)["items_per_second"] /
                       hit("hit_co_await", 1)["items_per_second"])
        row(s, "the same at normal priority: cores got; `co_await` 2-thread ratio",
            f"{plain:.2f}; {plain_ratio:.2f}×")
    floor = aggregate(hits, "floor_co_await_copy/real_time/threads:1")
    clock = aggregate(hits, "floor_steady_clock/real_time/threads:1")
    copy = aggregate(hits, "copy_access_token/real_time/threads:1")
    row(s, "floor: `co_await` of any Asio awaitable returning a token copy", fmt_ns(floor["cpu_time"]))
    row(s, "floor: copy of a 900-character access_token", fmt_ns(copy["cpu_time"]))
    row(s, "floor: `steady_clock::now()`", fmt_ns(clock["cpu_time"]))

    # 2. During a refresh.
    refresh = load(results, "refresh")
    s = "2. during a 200 ms refresh"
    ours = aggregate(refresh, "refresh_ours/iterations:1")
    ours_max = aggregate(refresh, "refresh_ours/iterations:1", "max")
    base = aggregate(refresh, "refresh_baseline_mutex/iterations:1")
    base_max = aggregate(refresh, "refresh_baseline_mutex/iterations:1", "max")
    row(s, "`token()` calls during refreshes (samples per run)",
        f"{ours['samples']:.0f} (mutex baseline: {base['samples']:.0f})")
    row(s, "`token()` p50", fmt_ns(ours["p50_ns"]))
    row(s, "`token()` p99", fmt_ns(ours["p99_ns"]), "≤ 10 µs", ours["p99_ns"] <= 10e3)
    row(s, "`token()` max (median of runs)", fmt_ns(ours["max_ns"]), "≤ 1 ms",
        ours["max_ns"] <= 1e6)
    row(s, "`token()` max (worst run; worst run without preemption)",
        f"{fmt_ns(ours_max['max_ns'])}; {fmt_ns(ours_max['max_unpreempted_ns'])}", "≤ 1 ms",
        ours_max["max_ns"] <= 1e6)
    row(s, "mutex baseline p50 / p99 / max",
        f"{fmt_ns(base['p50_ns'])} / {fmt_ns(base['p99_ns'])} / {fmt_ns(base_max['max_ns'])}")
    row(s, "ratio baseline / ours: p50, p99, max",
        f"{base['p50_ns'] / ours['p50_ns']:,.0f}× / {base['p99_ns'] / ours['p99_ns']:,.0f}× / "
        f"{base['max_ns'] / ours['max_ns']:,.0f}×")
    row(s, "requests per run (1 initial + 4 refreshes)",
        f"{ours['requests']:.0f} (baseline {base['requests']:.0f})", "5", ours["requests"] == 5)

    # 3. Herd.
    herd_doc = load(results, "herd")
    herd = aggregate(herd_doc, "herd/iterations:1/manual_time")
    herd_max = aggregate(herd_doc, "herd/iterations:1/manual_time", "max")
    s = "3. herd of 100 000 coroutines"
    row(s, "token requests made (worst run)", f"{herd_max['requests']:.0f}", "1",
        herd_max["requests"] == 1)
    row(s, "answer → last waiter resumed", f"{herd['resume_last_ms']:.1f} ms", "≤ 100 ms",
        herd["resume_last_ms"] <= 100)
    row(s, "answer → first waiter resumed", f"{herd['resume_first_ms']:.1f} ms")
    row(s, "floor: 100 000 coroutines resumed by one steady_timer",
        f"{herd['timer_resume_last_ms']:.1f} ms")
    row(s, "provider's memory per waiter (net of the timer floor)",
        f"{herd['bytes_per_waiter']:.0f} B", "≤ 256 B", herd["bytes_per_waiter"] <= 256)
    row(s, "heap per waiter: `co_await token()` / `co_await timer` (gross)",
        f"{herd['bytes_per_waiter_gross']:.0f} B / {herd['timer_bytes_per_waiter']:.0f} B")

    # 4. Signing.
    sign = load(results, "sign")
    with open(os.path.join(results, "oauthlib.json")) as f:
        oauthlib = json.load(f)
    s = "4. signing"
    ours_sign = aggregate(sign, "sign_fixed_inputs")["cpu_time"]
    fresh = aggregate(sign, "sign_fresh_nonce")["cpu_time"]
    py_us = oauthlib["us_per_header_median"]
    row(s, "`request_signer::sign`, µs per Authorization header", f"{ours_sign / 1e3:.2f} µs",
        "≤ 2 µs", ours_sign <= 2e3)
    row(s, f"python3-oauthlib {oauthlib['oauthlib_version']} (Python {oauthlib['python']}), "
        "same inputs", f"{py_us:.1f} µs"
        + ("" if oauthlib["signature_matches"] else " (**signature differs**)"))
    ratio = py_us * 1e3 / ours_sign
    row(s, "ratio oauthlib / ours", f"{ratio:.0f}×", "≥ 20×", ratio >= 20)
    row(s, "`sign` with a fresh 192-bit nonce (as the provider signs)", f"{fresh / 1e3:.2f} µs")

    # 5. One fetch.
    fetch = load(results, "fetch")
    s = "5. one fetch over TLS (loopback)"
    phases = aggregate(fetch, "fetch_phases/iterations:1")
    row(s, "TCP connect (own Beast client)", fmt_ns(phases["connect_us"] * 1e3))
    row(s, "TLS 1.3 handshake, P-256 certificate verified", fmt_ns(phases["handshake_us"] * 1e3))
    row(s, "exchange: signed request written, 900-character token read",
        fmt_ns(phases["exchange_us"] * 1e3))
    row(s, "whole fetch, own client", fmt_ns(phases["total_us"] * 1e3))
    sdk = aggregate(fetch, "sdk_fetch/iterations:1")
    sdk_store = aggregate(fetch, "sdk_fetch_system_store/iterations:1")
    row(s, "`fetch_token` (SDK), CA file only", fmt_ns(sdk["fetch_us"] * 1e3))
    row(s, "`fetch_token` (SDK), system trust store loaded too (default)",
        fmt_ns(sdk_store["fetch_us"] * 1e3))
    refetch = aggregate(fetch, "sdk_provider_refetch/iterations:1")
    row(s, "`token_provider` fetch (client built once): `invalidate()` → new token",
        fmt_ns(refetch["fetch_us"] * 1e3))
    # here-token runs: --no-cache (each asks the server), the same with the whole CA bundle parsed
    # up front (as before the on-demand trust store), and runs answered by the token cache.
    for name, label in (
            ("cli_ns.txt", "`here-token --no-cache` process, start to exit"),
            ("cli_bundle_ns.txt", "`here-token --no-cache`, whole CA bundle parsed up front as before"),
            ("cli_cached_ns.txt", "`here-token` process answered by its token cache")):
        path = os.path.join(results, name)
        if not os.path.exists(path):
            continue
        with open(path) as f:
            runs = [int(line) for line in f if line.strip()]
        row(s, f"{label} (median of {len(runs)})", fmt_ns(statistics.median(runs)))

    # 6. Compile cost.
    best = {}
    with open(os.path.join(results, "compile.txt")) as f:
        for line in f:
            probe, ns = line.split()
            best[probe] = min(best.get(probe, float("inf")), int(ns))
    s = "6. compile cost (best of 3)"
    row(s, "`#include <here/oauth.hpp>`, `co_await token()`", f"{best['sdk_user'] / 1e9:.1f} s")
    row(s, "Beast SSL + HTTP headers, one request", f"{best['beast_user'] / 1e9:.1f} s")
    share = best["sdk_user"] / best["beast_user"]
    row(s, "SDK file / Beast file", f"{share:.2f}", "≤ 0.33", share <= 1 / 3)

    # 7. Provider construction (issue 12: one trust store per process, not per provider).
    path = os.path.join(results, "construction.jsonl")
    if os.path.exists(path):
        runs = {}
        with open(path) as f:
            for line in f:
                if line.strip():
                    doc = json.loads(line)
                    runs.setdefault(doc["providers"], []).append(doc)
        s = "7. provider construction"
        for n in sorted(runs):
            wall = statistics.median(d["wall_s"] for d in runs[n])
            rss = statistics.median(d["rss_bytes"] for d in runs[n])
            per = statistics.median(d["rss_per_provider"] for d in runs[n])
            if n >= 1000:
                row(s, f"{n} providers, different scopes: wall time in total", f"{wall:.3f} s",
                    "< 1 s", wall < 1)
                row(s, f"{n} providers: resident memory added (per provider)",
                    f"{rss / 2**20:.1f} MiB ({per / 1024:.1f} KiB)", "≤ 64 MiB",
                    rss <= 64 * 2**20)
            else:
                row(s, f"{n} provider: wall time; resident memory added (trust store parsed)",
                    f"{wall * 1e3:.1f} ms; {rss / 2**20:.1f} MiB")

    print(f"Machine: {machine['nproc']} × {machine['cpu']}; {machine['compiler']}; "
          f"Boost {machine['boost']}; {machine['openssl']}; load average "
          f"{machine['load_before']} before, {machine.get('load_after', '?')} after; "
          f"{machine['date']}" + (" (--quick)" if machine.get("quick") == "1" else ""))
    print()
    print("| | figure | measured (median) | target | |")
    print("|---|---|---|---|---|")
    last = None
    for section, figure, measured, target, ok in rows:
        print(f"| {section if section != last else ''} | {figure} | {measured} | {target} | {ok} |")
        last = section


if __name__ == "__main__":
    main()
