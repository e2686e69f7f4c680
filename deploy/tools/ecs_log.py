#!/usr/bin/env python3
"""Reads container logs on stdin and prints Spring Boot's ECS JSON lines as "LEVEL logger: message" (with the start
of a stack trace), other lines unchanged: failure reports readable in deploy/image-test.sh's output."""
import json
import sys

for line in sys.stdin:
    try:
        event = json.loads(line)
        log = event["log"]
        line = f"{log['level']} {log['logger']}: {event['message']}"
        trace = (event.get("error") or {}).get("stack_trace")
        if trace:
            line += "\n" + trace[:1500]
    except (ValueError, KeyError, TypeError):
        pass
    print(line.rstrip()[:4000])
