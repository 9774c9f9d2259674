"""Python peers of `cargo bench --bench hl7` (phase "parse"): parses every file given, ROUNDS
times, with python `hl7` (`hl7.parse`) and with hl7apy (`parse_message(find_groups=False)`),
and walks every parsed message down to its leaves, counting the non-empty ones, as the Rust side
does. Prints one line per tool: `tool seconds messages leaves` (leaves of one round).

Prepared outside the timing, as the Rust side gets it: line ends made CR (python `hl7` splits
segments on CR only). hl7apy also gets MSH-12 set to 2.7 (the fixtures declare 2.5 but carry
PRT, a 2.7 segment hl7apy refuses under 2.5) and a str (it does not take bytes); python `hl7`
gets the bytes and decodes them, as the Rust parser does.

Usage: peers.py ROUNDS APY_ROUNDS FILE...
"""

import sys
import time

import hl7
from hl7apy.parser import parse_message


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    return data.replace(b"\r\n", b"\r").replace(b"\n", b"\r").strip(b"\r")


def for_hl7apy(data):
    text = data.decode("utf-8")
    segments = text.split("\r")
    header = segments[0].split("|")
    header[11] = "2.7"
    segments[0] = "|".join(header)
    return "\r".join(segments)


def leaves_hl7(node):
    """Non-empty leaves of a python-hl7 tree (containers are lists, leaves str)."""
    if isinstance(node, str):
        return 1 if node else 0
    return sum(leaves_hl7(child) for child in node)


def leaves_apy(element):
    """Non-empty leaves of an hl7apy tree (each leaf's value is read)."""
    children = getattr(element, "children", None)
    if not children:
        value = element.value
        return 1 if value not in (None, "") else 0
    return sum(leaves_apy(child) for child in children)


def run(tool, rounds, messages, parse, leaves):
    start = time.perf_counter()
    total = 0
    for _ in range(rounds):
        total = 0
        for message in messages:
            total += leaves(parse(message))
    seconds = time.perf_counter() - start
    print(f"{tool} {seconds:.6f} {rounds * len(messages)} {total}")


def main():
    rounds, apy_rounds = int(sys.argv[1]), int(sys.argv[2])
    raw = [load(path) for path in sys.argv[3:]]
    run("python-hl7", rounds, raw, hl7.parse, leaves_hl7)
    apy = [for_hl7apy(data) for data in raw]
    run(
        "hl7apy",
        apy_rounds,
        apy,
        lambda m: parse_message(m, find_groups=False),
        leaves_apy,
    )


if __name__ == "__main__":
    main()
