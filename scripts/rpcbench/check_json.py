"""Checks an `rpcbench compare --json` file: one object, a `results` array covering every protocol ×
scenario asked for, each with every required figure as a number (or null where it does not apply).
Usage: check_json.py FILE PROTOCOLS SCENARIOS [--foreign] (comma-separated lists; --foreign: the server was
not our child, so its CPU and RSS are null)."""
import json
import sys

REQUIRED = ["protocol", "scenario", "calls_per_s", "mb_per_s", "p50_us", "p90_us", "p99_us", "p999_us",
            "cpu_us_per_call", "server_rss_mib"]
NUMBERS = REQUIRED[2:]

path, protocols, scenarios = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(",")
foreign = "--foreign" in sys.argv[4:]
with open(path) as f:
    report = json.load(f)
assert isinstance(report, dict), "the JSON is not one object"
for key in ("build", "date", "machine", "results"):
    assert key in report, f"missing top-level {key}"
rows = report["results"]
seen = {(r["protocol"], r["scenario"]) for r in rows}
for p in protocols:
    for s in scenarios:
        assert (p, s) in seen, f"no result for {p} {s}"
for r in rows:
    for key in REQUIRED:
        assert key in r, f"{r.get('protocol')} {r.get('scenario')}: missing {key}"
    for key in NUMBERS:
        v = r[key]
        assert v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)), f"{key} = {v!r}"
    # With our own child servers every figure applies: none may be null, and the work must be real.
    # Against another stack's server its CPU and memory are unknown: null, not 0.
    for key in NUMBERS:
        if foreign and key in ("cpu_us_per_call", "server_rss_mib"):
            assert r[key] is None, f"{r['protocol']} {r['scenario']}: {key} should be null for a foreign server"
        else:
            assert r[key] is not None, f"{r['protocol']} {r['scenario']}: {key} is null"
    assert r["calls_per_s"] > 0 and r["mb_per_s"] > 0, f"{r['protocol']} {r['scenario']}: no calls"
    assert r.get("errors") == 0 and r.get("errors_by_status") == {}, \
        f"{r['protocol']} {r['scenario']}: failed calls {r.get('errors_by_status')}"
    assert r["p50_us"] <= r["p90_us"] <= r["p99_us"] <= r["p999_us"], f"{r['protocol']} {r['scenario']}: percentiles out of order"
    assert foreign or 0 < r["server_rss_mib"] < 4096, f"server_rss_mib = {r['server_rss_mib']}"
print(f"compare JSON: {len(rows)} results, every field present ({report['build']} build)")
