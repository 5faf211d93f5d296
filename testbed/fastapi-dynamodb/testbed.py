"""Start/stop orchestration for the apiward FastAPI + DynamoDB testbed (used by start.sh / stop.sh).

start: two dynalite instances (one per app, so writes made against the vulnerable app never leak into
the twin) and two uvicorn apps, all on free 127.0.0.1 ports, each in its own process group; seeds the
tables; waits until everything answers; writes $RUN/env, $RUN/env.json, $RUN/seeded-values.json,
$RUN/vuln-openapi.json and $RUN/twin-openapi.json.
stop: kills exactly the recorded process groups and checks that none of their processes remain.

`stop` uses the standard library only, so stop.sh works without the venv.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def run_dir() -> str:
    return os.path.abspath(os.environ.get("TESTBED_RUN_DIR") or os.path.join(HERE, ".run"))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie counts as gone
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def group_members(pgids: set[int], include_zombies: bool = False) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if (include_zombies or fields[0] != "Z") and int(fields[2]) in pgids:
                out.append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    return out


def free_ports(n: int) -> list[int]:
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


def wait_tcp(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"port {port} did not open")


def http_get(url: str, timeout: float = 1.0):
    import urllib.request
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=timeout) as r:
        return r.status, r.read()


def http_post_json(url: str, body: dict, timeout: float = 2.0):
    import urllib.request
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"},
                                 method="POST")
    with opener.open(req, timeout=timeout) as r:
        return r.status, json.loads(r.read())


def wait_http(url: str, deadline: float, procs: dict) -> None:
    while time.monotonic() < deadline:
        for name, p in procs.items():
            if p.poll() is not None:
                raise RuntimeError(f"{name} exited with {p.returncode}; see its log in {run_dir()}")
        try:
            if http_get(url, 0.5)[0] == 200:
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"{url} did not answer")


def clean_env() -> dict:
    env = {k: v for k, v in os.environ.items()
           if k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy") and not k.startswith("AWS_")}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    env["AWS_DEFAULT_REGION"] = "us-east-1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def start() -> int:
    t0 = time.monotonic()
    run = run_dir()
    os.makedirs(run, exist_ok=True)
    state_file = os.path.join(run, "env.json")
    if os.path.exists(state_file):
        with open(state_file) as f:
            old = json.load(f)
        if any(alive(int(p)) for p in old.get("PIDS", {}).values()):
            print(f"testbed already running (state in {state_file}); run stop.sh first", file=sys.stderr)
            return 1
    py = os.path.join(HERE, ".venv", "bin", "python")
    dynalite = os.path.join(HERE, "node_modules", "dynalite", "cli.js")
    if not (os.path.exists(py) and os.path.exists(dynalite)):
        print("testbed not installed: run testbed/fastapi-dynamodb/setup.sh first", file=sys.stderr)
        return 1

    sys.path.insert(0, HERE)
    import secrets

    import common

    p_dyn, p_dyn_twin, p_vuln, p_twin = free_ports(4)
    twin_secret = secrets.token_urlsafe(48)
    twin_partner_key = secrets.token_urlsafe(32)
    twin_spec = os.path.join(run, "twin-openapi.json")
    if os.path.exists(twin_spec):
        os.remove(twin_spec)
    base = clean_env()
    procs: dict[str, subprocess.Popen] = {}

    def spawn(name: str, argv: list[str], env: dict) -> None:
        log = open(os.path.join(run, f"{name}.log"), "wb")
        procs[name] = subprocess.Popen(argv, cwd=HERE, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        log.close()

    def dyn_argv(port: int) -> list[str]:
        return ["node", dynalite, "--host", "127.0.0.1", "--port", str(port), "--createTableMs", "0",
                "--deleteTableMs", "0", "--updateTableMs", "0"]

    def uvicorn_argv(module: str, port: int, extra: list[str]) -> list[str]:
        return [py, "-m", "uvicorn", f"{module}:app", "--host", "127.0.0.1", "--port", str(port),
                "--log-level", "warning", "--no-access-log", *extra]

    try:
        spawn("dynalite-vuln", dyn_argv(p_dyn), base)
        spawn("dynalite-twin", dyn_argv(p_dyn_twin), base)
        vuln_env = dict(base, DYNAMO_URL=f"http://127.0.0.1:{p_dyn}",
                        **{k: common.PLANTED_SECRETS[k] for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                                                  "STRIPE_SECRET_KEY", "SENDGRID_API_KEY",
                                                                  "DATABASE_URL", "JWT_SECRET")})
        spawn("vuln", uvicorn_argv("vuln_app", p_vuln, []), vuln_env)
        twin_env = dict(base, DYNAMO_URL=f"http://127.0.0.1:{p_dyn_twin}", AWS_ACCESS_KEY_ID="local",
                        AWS_SECRET_ACCESS_KEY="local", TWIN_JWT_SECRET=twin_secret, TWIN_PARTNER_KEY=twin_partner_key,
                        TWIN_SPEC_PATH=twin_spec)
        spawn("twin", uvicorn_argv("twin_app", p_twin, ["--no-server-header"]), twin_env)
        pids = {name: p.pid for name, p in procs.items()}
        # Record the PIDs at once so stop.sh can clean up even if the rest of start fails.
        with open(state_file, "w") as f:
            json.dump({"PIDS": pids, "RUN_DIR": run}, f)

        deadline = time.monotonic() + 20
        wait_tcp(p_dyn, deadline)
        wait_tcp(p_dyn_twin, deadline)
        os.environ["AWS_ACCESS_KEY_ID"] = os.environ["AWS_SECRET_ACCESS_KEY"] = "local"
        os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
        os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
        for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
            os.environ.pop(k, None)
        data = common.generate()
        import threading
        errors: list[BaseException] = []

        def seed(port: int) -> None:
            try:
                common.create_and_seed(f"http://127.0.0.1:{port}", data)
            except BaseException as e:  # noqa: BLE001
                errors.append(e)

        threads = [threading.Thread(target=seed, args=(p,)) for p in (p_dyn, p_dyn_twin)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        with open(os.path.join(run, "seeded-values.json"), "w") as f:
            json.dump(common.seeded_values(data), f, indent=2, ensure_ascii=False)

        vuln_url, twin_url = f"http://127.0.0.1:{p_vuln}", f"http://127.0.0.1:{p_twin}"
        wait_http(vuln_url + "/v2/health", deadline, procs)
        wait_http(twin_url + "/v2/health", deadline, procs)
        while not os.path.exists(twin_spec) and time.monotonic() < deadline:
            time.sleep(0.05)
        _, spec = http_get(vuln_url + "/openapi.json")
        with open(os.path.join(run, "vuln-openapi.json"), "wb") as f:
            f.write(spec)

        tokens = {}
        for user, key in (("alice", "ALICE_TOKEN"), ("bob", "BOB_TOKEN"), ("dana", "ADMIN_TOKEN")):
            tokens[key] = http_post_json(vuln_url + "/v2/auth/login",
                                         {"username": user, "password": common.LOGINS[user]})[1]["access_token"]
        import jwt
        ttl = int(os.environ.get("TWIN_TOKEN_TTL", "7200"))
        now = int(time.time())
        for uid, key in ((common.ALICE_ID, "TWIN_ALICE_TOKEN"), (common.BOB_ID, "TWIN_BOB_TOKEN"),
                         (common.DANA_ID, "TWIN_ADMIN_TOKEN")):
            tokens[key] = jwt.encode({"sub": uid, "iss": "acme-shop-twin", "iat": now, "exp": now + ttl,
                                      "jti": secrets.token_hex(16)}, twin_secret, algorithm="HS256")
        env = {
            "DYNAMO_URL": f"http://127.0.0.1:{p_dyn}",
            "TWIN_DYNAMO_URL": f"http://127.0.0.1:{p_dyn_twin}",
            "VULN_URL": vuln_url,
            "TWIN_URL": twin_url,
            "VULN_SPEC": os.path.join(run, "vuln-openapi.json"),
            "TWIN_SPEC": twin_spec,
            "SEEDED_VALUES": os.path.join(run, "seeded-values.json"),
            "EXPECTED": os.path.join(HERE, "expected.json"),
            **tokens,
            "ALICE_USER_ID": common.ALICE_ID,
            "BOB_USER_ID": common.BOB_ID,
            "ADMIN_USER_ID": common.DANA_ID,
            "TWIN_PARTNER_KEY": twin_partner_key,
            "TWIN_RATE_LIMIT": os.environ.get("TWIN_RATE_LIMIT", "50"),
            "TWIN_RATE_WINDOW": os.environ.get("TWIN_RATE_WINDOW", "10"),
            "DYNALITE_PID": pids["dynalite-vuln"],
            "TWIN_DYNALITE_PID": pids["dynalite-twin"],
            "VULN_PID": pids["vuln"],
            "TWIN_PID": pids["twin"],
            "RUN_DIR": run,
        }
        with open(os.path.join(run, "env"), "w") as f:
            for k, v in env.items():
                f.write(f"{k}={v}\n")
        with open(state_file + ".tmp", "w") as f:
            json.dump({**env, "PIDS": pids}, f, indent=2)
        os.replace(state_file + ".tmp", state_file)
    except BaseException as e:  # noqa: BLE001
        print(f"start failed: {e!r}; stopping what was started", file=sys.stderr)
        stop()
        return 1
    print(f"testbed up in {time.monotonic() - t0:.2f}s: VULN_URL={vuln_url} TWIN_URL={twin_url} "
          f"(env in {os.path.join(run, 'env')})")
    return 0


def stop() -> int:
    run = run_dir()
    state_file = os.path.join(run, "env.json")
    if not os.path.exists(state_file):
        print(f"nothing to stop ({state_file} not found)")
        return 0
    with open(state_file) as f:
        state = json.load(f)
    pgids = {int(p) for p in state.get("PIDS", {}).values()}
    # Every process was started with start_new_session=True, so its pid is its process group id.
    # Only signal a group whose leader is still ours (same pid and pgid), never anything else.
    for pgid in pgids:
        try:
            os.killpg(pgid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 5
    while group_members(pgids) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = group_members(pgids)
    for pgid in {pgid for pgid in pgids if group_members({pgid})}:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 3
    while group_members(pgids) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = group_members(pgids)
    if left:
        print(f"processes still alive: {left}", file=sys.stderr)
        return 1
    # The processes are gone; give their new parent (init) a moment to reap the zombies so that a `ps`
    # right after stop.sh shows nothing.
    deadline = time.monotonic() + 3
    while group_members(pgids, include_zombies=True) and time.monotonic() < deadline:
        time.sleep(0.05)
    for name in ("env", "env.json"):
        try:
            os.remove(os.path.join(run, name))
        except FileNotFoundError:
            pass
    print(f"testbed stopped ({len(pgids)} process groups)")
    return 0


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "start":
        sys.exit(start())
    if cmd == "stop":
        sys.exit(stop())
    print("usage: testbed.py start|stop", file=sys.stderr)
    sys.exit(2)
