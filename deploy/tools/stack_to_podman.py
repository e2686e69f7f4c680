#!/usr/bin/env python3
"""Turns one service of the Swarm stack (deploy/swarm/stack.yml) into `podman run` arguments, so the image tests
start each container exactly as the stack specifies it, with nothing copied by hand that could drift:

  environment (interpolated), secrets (target, uid, gid, mode; podman secrets named PREFIX + source), configs (the
  file bind-mounted read-only at its target), healthcheck (test, interval, timeout, retries, start period),
  stop_grace_period (--stop-timeout; the stop signal is the image's), deploy.resources.limits (--memory, --cpus),
  named volumes (PREFIX + name), entrypoint and command.

What a single host without Swarm cannot have is replaced, and said here: networks (host network, plus --add-host
SERVICE:127.0.0.1 for every service of the stack, standing in for the overlay's DNS), published ports (none needed on
the host network), deploy placement/update/restart policies and labels (Swarm orchestration), logging (podman's own).

  stack_to_podman.py STACK SERVICE --prefix P [--var NAME=VALUE]... [--env NAME=VALUE]... [--image REF]

--var sets a variable for ${...} interpolation (the process environment is used too); --env replaces or adds an
environment variable of the container; --image replaces the image. Prints the arguments NUL-separated: the options,
the image, then the command.
"""
import argparse
import json
import os
import re
import sys

import yaml

VAR = re.compile(r"\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")


def interpolate(value, variables):
    """Compose-file interpolation: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err}."""
    if isinstance(value, dict):
        return {k: interpolate(v, variables) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, variables) for v in value]
    if not isinstance(value, str):
        return value

    def one(m):
        if m.group(0) == "$$":
            return "$"
        name = m.group(1) or m.group(4)
        op, arg = m.group(2), m.group(3)
        val = variables.get(name)
        unset = val is None or (op is not None and op.startswith(":") and val == "")
        if op and op.endswith("?") and unset:
            sys.exit(f"stack_to_podman: {name} is required: {arg}")
        if op and op.endswith("-") and unset:
            return arg
        return val or ""

    return VAR.sub(one, value)


def seconds(duration):
    """'35s', '1m30s', '90s' -> seconds (int)."""
    total = 0
    for amount, unit in re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", str(duration)):
        total += float(amount) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit]
    return int(total)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("stack")
    ap.add_argument("service")
    ap.add_argument("--prefix", required=True)
    ap.add_argument("--var", action="append", default=[])
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("--image")
    args = ap.parse_args()

    variables = dict(os.environ)
    variables.update(v.split("=", 1) for v in args.var)
    with open(args.stack) as f:
        stack = yaml.safe_load(f)
    base = os.path.dirname(os.path.abspath(args.stack))
    svc = interpolate(stack["services"][args.service], variables)
    configs = interpolate(stack.get("configs") or {}, variables)
    out = ["--network", "host"]
    for name in stack["services"]:
        out += ["--add-host", f"{name}:127.0.0.1"]

    env = svc.get("environment") or {}
    if isinstance(env, list):
        env = dict(e.split("=", 1) for e in env)
    env.update(e.split("=", 1) for e in args.env)
    for k, v in env.items():
        out += ["--env", f"{k}={'' if v is None else v}"]

    for s in svc.get("secrets") or []:
        s = {"source": s} if isinstance(s, str) else s
        spec = f"{args.prefix}{s['source']},type=mount,target={s.get('target', s['source'])}"
        for key in ("uid", "gid"):
            if key in s:
                spec += f",{key}={s[key]}"
        if "mode" in s:  # YAML 1.1 reads 0400 as octal: back to the octal text
            spec += f",mode=0{s['mode']:o}" if isinstance(s["mode"], int) else f",mode={s['mode']}"
        out += ["--secret", spec]

    for c in svc.get("configs") or []:
        src = os.path.normpath(os.path.join(base, configs[c["source"]]["file"]))
        out += ["-v", f"{src}:{c.get('target', '/' + c['source'])}:ro"]

    for v in svc.get("volumes") or []:
        if isinstance(v, str) and not v.startswith(("/", ".")) and ":" in v:
            out += ["-v", f"{args.prefix}{v}"]
        else:
            sys.exit(f"stack_to_podman: {args.service}: volume {v!r} is not a named volume; not supported here")

    hc = svc.get("healthcheck")
    if hc:
        test = hc["test"]
        if isinstance(test, list) and test[0] == "CMD":
            # podman 4.3 splits a JSON array that starts with "CMD" on white space; without the keyword it parses
            # the array and puts CMD back itself.
            test = test[1:]
        out += ["--health-cmd", json.dumps(test) if isinstance(test, list) else test]
        for key, flag in (("interval", "--health-interval"), ("timeout", "--health-timeout"),
                          ("start_period", "--health-start-period")):
            if key in hc:
                out += [flag, f"{seconds(hc[key])}s"]
        if "retries" in hc:
            out += ["--health-retries", str(hc["retries"])]

    if "stop_grace_period" in svc:
        out += ["--stop-timeout", str(seconds(svc["stop_grace_period"]))]
    limits = ((svc.get("deploy") or {}).get("resources") or {}).get("limits") or {}
    if "memory" in limits:
        out += ["--memory", str(limits["memory"]).lower()]
    if "cpus" in limits:
        out += ["--cpus", str(limits["cpus"])]
    if "entrypoint" in svc:
        ep = svc["entrypoint"]
        out += ["--entrypoint", json.dumps(ep if isinstance(ep, list) else ["sh", "-c", ep])]

    out.append(args.image or svc["image"])
    cmd = svc.get("command")
    if cmd is not None:
        out += cmd if isinstance(cmd, list) else ["sh", "-c", cmd]
    sys.stdout.write("\0".join(out) + "\0")


if __name__ == "__main__":
    main()
