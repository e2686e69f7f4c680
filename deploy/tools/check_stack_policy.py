#!/usr/bin/env python3
"""Policy checks on the rendered Swarm stack (the output of `docker stack config`), read from stdin.

Every service must have a healthcheck, resource limits and reservations, update/rollback config, a restart policy
and bounded logging; replicated services need a placement constraint; every secret must be external (created by the
operator, never a file in the repo); the only published ports are Traefik's 80/443 and each Janus node's RTP range
(UDP, host mode, exactly its JANUS_RTP_PORT_RANGE, never its API), and the only host-network service is coturn. Prints one line per violation and exits 1 if there is any.
"""
import sys

import yaml

ALLOWED_PUBLISHED = {("traefik", 80), ("traefik", 443)}
HOST_NETWORK_ALLOWED = {"coturn"}


def main() -> int:
    stack = yaml.safe_load(sys.stdin)
    problems = []
    services = stack.get("services") or {}
    if not services:
        problems.append("no services in the rendered stack")
    for name, svc in sorted(services.items()):
        deploy = svc.get("deploy") or {}
        hc = svc.get("healthcheck") or {}
        if not hc.get("test") or hc.get("disable"):
            problems.append(f"{name}: no healthcheck")
        resources = deploy.get("resources") or {}
        for kind in ("limits", "reservations"):
            r = resources.get(kind) or {}
            if not r.get("cpus") or not r.get("memory"):
                problems.append(f"{name}: resources.{kind} needs cpus and memory")
        for key in ("update_config", "rollback_config", "restart_policy"):
            if not deploy.get(key):
                problems.append(f"{name}: deploy.{key} missing")
        if (deploy.get("update_config") or {}).get("failure_action") not in ("rollback",):
            problems.append(f"{name}: update_config.failure_action must be rollback")
        logging = svc.get("logging") or {}
        if not (logging.get("options") or {}).get("max-size"):
            problems.append(f"{name}: logging without max-size")
        mode = deploy.get("mode", "replicated")
        constraints = (deploy.get("placement") or {}).get("constraints") or []
        if mode == "replicated" and not constraints:
            problems.append(f"{name}: replicated service without a placement constraint")
        for port in [] if name.startswith("janus") else svc.get("ports") or []:
            published = port.get("published") if isinstance(port, dict) else port
            try:
                published = int(str(published).split(":")[0])
            except ValueError:
                pass
            if (name, published) not in ALLOWED_PUBLISHED:
                problems.append(f"{name}: publishes port {published} (only traefik 80/443 may)")
        if name.startswith("janus"):
            problems += janus_ports(name, svc)
        check_networks_and_environment(name, svc, problems)
    problems += check_top_level(stack)
    for p in problems:
        print(p)
    if not problems:
        print(f"{len(services)} services: healthcheck, limits/reservations, update/rollback/restart, logging, placement, "
              f"external secrets, only traefik 80/443 and Janus RTP ranges published, only coturn on the host network")
    return 1 if problems else 0


def janus_ports(name, svc):
    """A media node publishes exactly its RTP range, UDP, in host mode (the ingress mesh would NAT the media)."""
    problems = []
    rng = str((svc.get("environment") or {}).get("JANUS_RTP_PORT_RANGE", ""))
    try:
        low, high = (int(x) for x in rng.split("-"))
    except ValueError:
        return [f"{name}: JANUS_RTP_PORT_RANGE must be LOW-HIGH, got '{rng}'"]
    published = set()
    for port in svc.get("ports") or []:
        if not isinstance(port, dict) or port.get("mode") != "host" or port.get("protocol") != "udp":
            problems.append(f"{name}: publishes {port} (only its RTP range, UDP, host mode)")
            continue
        if port.get("published") != port.get("target"):
            problems.append(f"{name}: port {port.get('target')} published as {port.get('published')} (must be equal)")
        published.add(int(port.get("published")))
    want = set(range(low, high + 1))
    if published != want:
        missing = sorted(want - published)[:5]
        extra = sorted(published - want)[:5]
        problems.append(f"{name}: published UDP ports differ from JANUS_RTP_PORT_RANGE {rng} "
                        f"(missing {missing}, extra {extra})")
    return problems


def check_networks_and_environment(name, svc, problems):
    networks = svc.get("networks") or {}
    if "hostnet" in networks and name not in HOST_NETWORK_ALLOWED:
        problems.append(f"{name}: on the host network (only coturn may be)")
    for key in (svc.get("environment") or {}):
        if any(w in key.upper() for w in ("PASSWORD", "SECRET", "TOKEN")) and not key.upper().endswith("_FILE"):
            problems.append(f"{name}: environment {key} looks like a secret: use a Docker secret file")


def check_top_level(stack):
    problems = []
    for name, secret in sorted((stack.get("secrets") or {}).items()):
        if not secret.get("external"):
            problems.append(f"secret {name}: must be external (docker secret create), not a file")
    networks = {n.get("name") for n in (stack.get("networks") or {}).values() if isinstance(n, dict)}
    for required in ("babelcall_edge", "babelcall_backend"):
        if required not in networks:
            problems.append(f"network {required} missing (Traefik and Prometheus relabelling use that name)")
    return problems


if __name__ == "__main__":
    sys.exit(main())
