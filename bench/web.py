"""The web application under wrk, beside a bare Starlette endpoint, in the same run.

    .venv/bin/python bench/web.py            # 5 s per measurement
    .venv/bin/python bench/web.py --seconds 2 --adults 3000

Reads: the board's index page and an API read (a matter), each against a bare
Starlette endpoint answering the same bytes, with the same uvicorn workers and wrk
settings (64 connections). Aims: at least 0.8x the bare endpoint's requests per
second, and p99 under 20 ms. Writes: ballots cast one by one through HTTP (each voter
with their own token, through the whole stack: token, policy, engine, SQLite with
synchronous=FULL), from one connection and from eight, against the engine's own rate
for the same command in-process; eight connections share commits (group commit).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))

from engine import Village  # noqa: E402  (bench/engine.py)

from yishi import SQLiteStore, find, load_scenario, run_scenario  # noqa: E402
from yishi.domain import commands as cmd  # noqa: E402
from yishi.engine import Engine  # noqa: E402
from yishi.web.access import AccessStore  # noqa: E402

AIM_RATIO = 0.8
AIM_P99_MS = 20.0
PYTHON = sys.executable

LUA_BALLOTS = r"""
local voters = {}
for line in io.lines("%(file)s") do
  local token, voter = line:match("([^ ]+) ([^ ]+)")
  voters[#voters + 1] = {token, voter}
end
counter = 0
created = 0
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  created = 0
  counter = id
end
request = function()
  counter = counter + %(threads)d
  local v = voters[(counter %% #voters) + 1]
  local body = '{"meeting": "%(meeting)s", "voter": "' .. v[2] .. '", "choice": "yes"}'
  return wrk.format("POST", "%(path)s", {["Authorization"] = "Bearer " .. v[1], ["Content-Type"] = "application/json"}, body)
end
response = function(status, headers, body)
  if status == 201 then created = created + 1 end
end
done = function(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("created") end
  io.write("CREATED " .. total .. "\n")
end
"""


def serve(module: str, port: int, env: dict[str, str], workers: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "uvicorn",
            module,
            "--factory",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env={**os.environ, **env, "PYTHONPATH": f"{ROOT / 'src'}:{ROOT / 'bench'}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except Exception:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"{module} did not start: {process.stderr.read().decode() if process.stderr else ''}"
                ) from None
            time.sleep(0.2)


def wrk(
    url: str, seconds: int, connections: int = 64, script: str | None = None, threads: int = 2
) -> dict[str, float]:
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        args += ["-s", script]
    done = subprocess.run([*args, url], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stderr or done.stdout}")
    out = done.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    found = {"rps": rps, "p99": float(p99.group(1)) * scale[p99.group(2)] if p99 else float("nan")}
    created = re.search(r"CREATED (\d+)", out)
    if created:
        found["created"] = float(created.group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    found["non2xx"] = float(errors.group(1)) if errors else 0.0
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--adults", type=int, default=6000)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install -y wrk")
        return 2
    work = Path(tempfile.mkdtemp(prefix="bench-web-", dir="."))
    processes: list[subprocess.Popen[bytes]] = []
    try:
        # reads: the 智慧云 example's log (notices, a whole timeline)
        reads_db = work / "reads.db"
        store = SQLiteStore(reads_db)
        run_scenario(load_scenario(ROOT / "examples" / "09_zhihui_yun.toml"), store=store)
        store.close()
        # writes: a village assembly with every adult checked in, ballots still to cast
        village_db = work / "village.db"
        engine = Engine(SQLiteStore(village_db), find("siyi_liang_gongkai"))
        village = Village(engine, args.adults)
        village.run(village.setup_command())
        http_meetings = {1: village.assembly_meeting(), 8: village.assembly_meeting()}
        own_meeting = village.assembly_meeting()
        voters = village.adults
        start = time.perf_counter()
        for voter in voters:
            engine.execute(
                cmd.CastVote(actor=voter, meeting=own_meeting, voter=voter, choice="yes"),
                village.now,
            )
        engine_rate = len(voters) / (time.perf_counter() - start)
        engine.store.close()
        access = AccessStore(village_db.with_name(village_db.name + ".access.db"))
        lines = []
        for voter in voters:
            access.grant(voter, "main", "resident")
            lines.append(f"{access.new_token(voter)} {voter}")
        access.close()
        tokens = work / "tokens.txt"
        tokens.write_text("\n".join(lines) + "\n")

        env = {"YISHI_WEB_SLUG": "main", "YISHI_SECRET_KEY": "bench"}
        processes.append(
            serve(
                "yishi.web.serve:app_from_env",
                18311,
                {**env, "YISHI_WEB_DB": str(reads_db)},
                args.workers,
            )
        )
        board_url = "http://127.0.0.1:18311/c/main/board/index.html"
        api_url = "http://127.0.0.1:18311/api/v1/c/main/matters/m9"
        board_body, api_body = work / "board.html", work / "api.json"
        board_body.write_bytes(urllib.request.urlopen(board_url).read())
        api_body.write_bytes(urllib.request.urlopen(api_url).read())
        processes.append(serve("bare_web:app", 18312, {"BARE_BODY": str(board_body)}, args.workers))
        processes.append(
            serve(
                "bare_web:app",
                18313,
                {"BARE_BODY": str(api_body), "BARE_TYPE": "application/json"},
                args.workers,
            )
        )

        print(
            f"wrk -t2 -c64 -d{args.seconds}s, uvicorn --workers {args.workers}, {os.cpu_count()} CPUs (shared)"
        )
        ok = True
        for label, url, bare in (
            ("board page", board_url, "http://127.0.0.1:18312/"),
            ("API read  ", api_url, "http://127.0.0.1:18313/"),
        ):
            base = wrk(bare, args.seconds)
            ours = wrk(url, args.seconds)
            ratio = ours["rps"] / base["rps"]
            good = ratio >= AIM_RATIO and ours["p99"] < AIM_P99_MS and ours["non2xx"] == 0
            ok &= good
            print(
                f"{label}: {ours['rps']:8.0f} req/s, p99 {ours['p99']:6.1f} ms | bare {base['rps']:8.0f} req/s, "
                f"p99 {base['p99']:6.1f} ms | ratio {ratio:.2f} (aim >= {AIM_RATIO}, p99 < {AIM_P99_MS:.0f} ms) "
                f"{'ok' if good else 'MISSED'}"
            )
        processes.append(
            serve(
                "yishi.web.serve:app_from_env",
                18314,
                {**env, "YISHI_WEB_DB": str(village_db)},
                args.workers,
            )
        )
        path = "/api/v1/c/main/commands/cast_vote"
        seconds = max(1, min(args.seconds, 3))
        rates = {}
        for connections, meeting in http_meetings.items():
            threads = min(connections, 2)
            script = work / f"ballots{connections}.lua"
            script.write_text(
                LUA_BALLOTS % {"file": tokens, "meeting": meeting, "path": path, "threads": threads}
            )
            result = wrk(
                f"http://127.0.0.1:18314{path}",
                seconds,
                connections=connections,
                script=str(script),
                threads=threads,
            )
            rates[connections] = http_rate = result.get("created", 0.0) / seconds
            print(
                f"ballots  : {http_rate:8.0f} /s through HTTP ({connections} connection"
                f"{'s' if connections > 1 else ''}), p99 {result['p99']:6.1f} ms "
                f"| engine alone {engine_rate:8.0f} /s | ratio {http_rate / engine_rate:.2f}"
            )
            if result.get("created", 0) >= len(voters):
                print(
                    f"  (every one of the {len(voters)} voters voted: use --adults to measure longer)"
                )
        print(f"  8 connections / 1 connection: {rates[8] / max(rates[1], 1):.2f} (group commit)")
        return 0 if ok else 1
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    _ = dt
    sys.exit(main())
