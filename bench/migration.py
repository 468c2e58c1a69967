#!/usr/bin/env python3
"""Migration benchmark: move a quarter of the slots of a 3-master cluster to a
4th master and measure how long it takes and what clients see meanwhile.

For each setup (a fresh cluster each time, nodes on free ports of 127.0.0.1):
  redis-p10      redis-server 7.0 nodes, redis-cli --cluster reshard, pipeline 10
  redis-p100     the same with pipeline 100
  slotd-p10      slotd nodes, redis-cli --cluster reshard, pipeline 10
  slotd-native   slotd nodes, slotd cluster reshard (CLUSTER MIGRATESLOTS stream)
it loads KEYS strings of VALUE bytes and COLLECTIONS hashes of ELEMENTS fields,
runs a fixed-rate GET/SET load (open loop, latency measured from each
request's scheduled time) before and during the move, and prints one table:
move time, keys moved per second, and p50/p99/p99.9/max latency before and
during, plus errors and redirections the load saw.

    python3 bench/migration.py --keys 200000 --collections 4 --elements 100000

slotd comes from $SLOTD or target/release/slotd (build it first:
`cargo build --release -p node`). Needs redis-server, redis-cli and redis-py.
"""

import argparse
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

import redis
from redis.cluster import RedisCluster


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port, timeout=20.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if redis.Redis(port=port).ping():
                return
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError(f"node on {port} did not start")


class Node:
    def __init__(self, kind, slotd, workdir):
        self.port, self.cport = free_port(), free_port()
        self.dir = os.path.join(workdir, str(self.port))
        os.makedirs(self.dir)
        common = ["--port", str(self.port), "--cluster-enabled", "yes", "--cluster-port", str(self.cport),
                  "--dir", self.dir, "--bind", "127.0.0.1", "--cluster-node-timeout", "5000"]
        if kind == "redis":
            cmd = ["redis-server", "--save", "", "--appendonly", "no"] + common
        else:
            cmd = [slotd, "--shards", "2", "--loglevel", "warning"] + common
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=self.dir)
        wait_ready(self.port)

    @property
    def addr(self):
        return f"127.0.0.1:{self.port}"

    def id(self):
        return redis.Redis(port=self.port).execute_command("CLUSTER", "MYID").decode()

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def run(cmd, **kw):
    out = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if out.returncode != 0 or "[ERR]" in out.stdout:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def await_ok(nodes, timeout=60.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        infos = [redis.Redis(port=n.port).execute_command("CLUSTER", "INFO").decode() for n in nodes]
        if all("cluster_state:ok" in i and f"cluster_known_nodes:{len(nodes)}" in i for i in infos):
            return
        time.sleep(0.1)
    raise RuntimeError("the cluster did not become ok")


def load(entry, keys, value_bytes, collections, elements):
    rc = RedisCluster(host="127.0.0.1", port=entry)
    value = b"v" * value_bytes
    started = time.time()
    batch = 2000
    for start in range(0, keys, batch):
        p = rc.pipeline()
        for i in range(start, min(keys, start + batch)):
            p.set(f"key:{i}", value)
        p.execute()
        if start % 100000 == 0:
            print(f"  loaded {start}/{keys} keys", file=sys.stderr)
    for c in range(collections):
        name = f"big:{c}"
        node = rc.get_node_from_key(name)
        r = redis.Redis(port=node.port)
        for start in range(0, elements, 5000):
            mapping = {f"field:{i}": "x" * 16 for i in range(start, min(elements, start + 5000))}
            r.hset(name, mapping=mapping)
        print(f"  loaded collection {c + 1}/{collections}", file=sys.stderr)
    rc.close()
    return time.time() - started


class Load:
    """A fixed-rate open-loop GET/SET load; latencies from scheduled times."""

    def __init__(self, entry, keys, rate, threads=4):
        self.entry, self.keys, self.rate, self.threads = entry, keys, rate, threads
        self.phase = "before"
        self.lat = {"before": [], "during": []}
        self.errors = {"before": 0, "during": 0}
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def worker(self, k):
        rc = RedisCluster(host="127.0.0.1", port=self.entry, cluster_error_retry_attempts=20)
        interval = self.threads / self.rate
        next_at = time.perf_counter() + k * interval / self.threads
        rnd = random.Random(k)
        while not self.stop.is_set():
            now = time.perf_counter()
            if now < next_at:
                time.sleep(next_at - now)
            phase = self.phase
            key = f"key:{rnd.randrange(self.keys)}"
            try:
                if rnd.random() < 0.8:
                    rc.get(key)
                else:
                    rc.set(key, b"w" * 64)
                done = time.perf_counter()
                with self.lock:
                    self.lat[phase].append(done - next_at)
            except Exception:
                with self.lock:
                    self.errors[phase] += 1
            next_at += interval
        rc.close()

    def start(self):
        self.ts = [threading.Thread(target=self.worker, args=(k,), daemon=True) for k in range(self.threads)]
        for t in self.ts:
            t.start()

    def finish(self):
        self.stop.set()
        for t in self.ts:
            t.join()


def pct(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(len(v) * p))] * 1000


def setup_run(name, kind, method, pipeline, args):
    workdir = tempfile.mkdtemp(prefix=f"migbench-{name}-")
    nodes = []
    try:
        nodes = [Node(kind, args.slotd, workdir) for _ in range(4)]
        run(["redis-cli", "--cluster", "create"] + [n.addr for n in nodes[:3]] + ["--cluster-yes"])
        await_ok(nodes[:3])
        run(["redis-cli", "--cluster", "add-node", nodes[3].addr, nodes[0].addr])
        await_ok(nodes)
        load_s = load(nodes[0].port, args.keys, args.value_bytes, args.collections, args.elements)
        total_keys = sum(redis.Redis(port=n.port).dbsize() for n in nodes)
        traffic = Load(nodes[0].port, args.keys, args.rate)
        traffic.start()
        time.sleep(args.baseline_secs)
        traffic.phase = "during"
        target = nodes[3].id()
        started = time.time()
        if method == "native":
            run([args.slotd, "cluster", "reshard", nodes[0].addr, "--from", "all", "--to", target,
                 "--slots", "4096"])
        else:
            run(["redis-cli", "--cluster", "reshard", nodes[0].addr, "--cluster-from", "all", "--cluster-to",
                 target, "--cluster-slots", "4096", "--cluster-yes", "--cluster-pipeline", str(pipeline)])
        move_s = time.time() - started
        traffic.finish()
        moved = redis.Redis(port=nodes[3].port).dbsize()
        after = sum(redis.Redis(port=n.port).dbsize() for n in nodes)
        if after != total_keys:
            raise RuntimeError(f"{name}: {total_keys} keys before, {after} after")
        b, d = traffic.lat["before"], traffic.lat["during"]
        return {
            "setup": name, "load_s": load_s, "move_s": move_s, "moved": moved,
            "keys_per_s": moved / move_s if move_s > 0 else 0,
            "before": (pct(b, 0.5), pct(b, 0.99), pct(b, 0.999), max(b) * 1000 if b else float("nan")),
            "during": (pct(d, 0.5), pct(d, 0.99), pct(d, 0.999), max(d) * 1000 if d else float("nan")),
            "errors": traffic.errors["during"], "samples": (len(b), len(d)),
        }
    finally:
        for n in nodes:
            n.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keys", type=int, default=1_000_000)
    ap.add_argument("--value-bytes", type=int, default=64)
    ap.add_argument("--collections", type=int, default=20)
    ap.add_argument("--elements", type=int, default=1_000_000)
    ap.add_argument("--rate", type=int, default=2000, help="load requests per second")
    ap.add_argument("--baseline-secs", type=float, default=5.0)
    ap.add_argument("--setups", default="redis-p10,redis-p100,slotd-p10,slotd-native")
    ap.add_argument("--slotd", default=os.environ.get("SLOTD", "target/release/slotd"))
    args = ap.parse_args()
    args.slotd = os.path.abspath(args.slotd)
    plans = {
        "redis-p10": ("redis", "redis-cli", 10),
        "redis-p100": ("redis", "redis-cli", 100),
        "slotd-p10": ("slotd", "redis-cli", 10),
        "slotd-native": ("slotd", "native", 0),
    }
    rows = []
    for name in args.setups.split(","):
        kind, method, pipeline = plans[name]
        print(f"== {name}", file=sys.stderr)
        rows.append(setup_run(name, kind, method, pipeline, args))
    print(f"{args.keys} keys of {args.value_bytes} B + {args.collections} hashes of {args.elements} fields; "
          f"4096 slots to a 4th node; load {args.rate} req/s (80% GET), latency ms from scheduled time")
    print(f"{'setup':<13} {'move s':>8} {'keys/s':>9} {'before p50/p99/p99.9/max':>28} "
          f"{'during p50/p99/p99.9/max':>32} {'errors':>6}")
    for r in rows:
        fmt = lambda t: "/".join(f"{x:.2f}" for x in t)
        print(f"{r['setup']:<13} {r['move_s']:>8.1f} {r['keys_per_s']:>9.0f} {fmt(r['before']):>28} "
              f"{fmt(r['during']):>32} {r['errors']:>6}")
    base = next((r for r in rows if r["setup"] == "redis-p10"), None)
    if base:
        for r in rows:
            print(f"{r['setup']}: {base['move_s'] / r['move_s']:.1f}x faster than redis-p10")


if __name__ == "__main__":
    main()
