"""The Sentinel option (deploy/swarm/redis-sentinel.yml) rendered on top of the stack, read from stdin: three
Sentinels and a replica exist, and every Java service finds Redis through the Sentinels with both passwords."""
import sys

import yaml

services = yaml.safe_load(sys.stdin)["services"]
problems = []
for name in ("redis-sentinel-1", "redis-sentinel-2", "redis-sentinel-3", "redis-replica"):
    if name not in services:
        problems.append(f"no service {name}")
for name in ("api-service", "signaling-service", "pipeline-orchestrator"):
    env = services[name].get("environment") or {}
    if env.get("SPRING_DATA_REDIS_SENTINEL_MASTER") != "babelcall":
        problems.append(f"{name}: SPRING_DATA_REDIS_SENTINEL_MASTER is not babelcall")
    if env.get("SPRING_DATA_REDIS_SENTINEL_NODES", "").count(":26379") != 3:
        problems.append(f"{name}: SPRING_DATA_REDIS_SENTINEL_NODES does not name the three Sentinels")
    targets = {s["target"] for s in services[name].get("secrets", [])}
    for target in ("spring.data.redis.password", "spring.data.redis.sentinel.password"):
        if target not in targets:
            problems.append(f"{name}: no secret mounted as {target}")
if problems:
    print("\n".join(problems))
    sys.exit(1)
print("3 Sentinels and a replica; the three services on the Sentinels with both passwords")
