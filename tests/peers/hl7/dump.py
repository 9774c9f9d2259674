"""Reads HL7 v2 (ER7) files with two outside parsers, python `hl7` and `hl7apy`, and prints
what each saw as JSON, for `tests/integration/hl7_peers.rs` to compare with Chevet's parser.

Usage: python3 dump.py FILE...   → one JSON document on stdout:

    {"files": [{"path": FILE,
                "python-hl7": {"segments": [{"name": "PID", "fields": [...]}],
                               "decoded": [[segment, field, rep, comp, sub, text], ...]}
                              | {"error": "..."},
                "hl7apy": {"segments": [{"name": "PID", "leaves": [[field, rep, comp, sub, raw], ...]}],
                           "notes": ["PRT read with hl7apy's v2.8.2 tables"]}
                          | {"error": "...", "trace": "..."}}]}

Positions: fields, components and subcomponents are 1-based, repetitions 0-based, segments
0-based (MSH is 0); MSH-1 is the field separator and MSH-2 the encoding characters, both
literal, as in Chevet.

What is compared, per parser:
- python `hl7` (`hl7.parse`): the whole tree, every field (trailing empty ones included) as
  repetitions → components → subcomponents of *raw* text (escape sequences as written).
  python `hl7` stops splitting at the first level whose text holds no delimiter (a field `abc`
  is `Field(['abc'])`, not a list of lists); such a string is expanded here into one
  repetition of one component of one subcomponent, which is what the text means. It does not
  unescape while parsing: `decoded` also gives `Message.unescape(raw)` for every leaf whose raw
  text holds the escape character.
- `hl7apy` (`parse_message(find_groups=False, validation_level=TOLERANT)`): every leaf it
  keeps, with its raw text (the value as stored at parsing; `to_er7()` would escape again the
  escape characters it does not recognise). hl7apy drops blank fields, and blank components and
  subcomponents of composite types, and has no unescaping function: positions come from the
  element names (`PID_3`, `CX_4`, `HD_2`); elements of base or unknown types carry no position
  (`ST`) and are numbered by their order, which hl7apy keeps (it drops nothing there).
  Even when tolerant, hl7apy refuses a whole message for one segment its tables lack in the
  declared version (the volets put PRT, a v2.7 segment, in v2.6 messages); the segments are
  then read one by one, those it refuses with its newest tables, and `notes` says so.

Input: both libraries split segments on CR only (as the standard says); the agency's files end
their lines with LF. Each file is read as UTF-8 (every fixture declares `UNICODE UTF-8`), its
CRLF and LF made CR and its empty lines dropped (Chevet skips them too; python `hl7` would make
an empty segment of one), before either library sees it. A library that fails on a file gives
`{"error": ...}` for that file; the others go on.
"""

import json
import logging
import re
import sys
import traceback

# The newest HL7 version hl7apy has tables for (see `with_hl7apy`).
NEWEST = "2.8.2"


def normalise(text):
    """CRLF and LF → CR, empty lines and surrounding blank lines dropped."""
    text = text.replace("\r\n", "\r").replace("\n", "\r")
    return "\r".join(line for line in text.split("\r") if line)


def expand(node, depth):
    """python `hl7`'s node (a string, or a list of nodes) as `depth` levels of lists of
    strings: a string stands for one child at each level below."""
    if depth == 0:
        if isinstance(node, str):
            return node
        # A leaf that python `hl7` split further would be a disagreement: keep it visible.
        return str(node)
    if isinstance(node, str):
        return [expand(node, depth - 1)]
    return [expand(child, depth - 1) for child in node]


def with_python_hl7(text):
    import hl7

    message = hl7.parse(text)
    segments = []
    decoded = []
    escape = message.esc
    for s, segment in enumerate(message):
        name = str(segment[0])
        fields = []
        for n, field in enumerate(segment[1:], start=1):
            literal = name == "MSH" and n <= 2
            if literal:
                fields.append([[[str(field)]]])
                continue
            tree = expand(field, 3)
            fields.append(tree)
            for r, rep in enumerate(tree):
                for c, comp in enumerate(rep, start=1):
                    for b, sub in enumerate(comp, start=1):
                        if escape in sub:
                            decoded.append([s, n, r, c, b, message.unescape(sub)])
        segments.append({"name": name, "fields": fields})
    return {"segments": segments, "decoded": decoded}


def position(name, previous):
    """The 1-based position in an hl7apy element name (`CX_4` → 4), else the next one."""
    match = re.search(r"_(\d+)$", name or "")
    return int(match.group(1)) if match else previous + 1


def raw_leaf(subcomponent):
    value = subcomponent.value
    inner = getattr(value, "value", value)
    if isinstance(inner, str):
        return inner
    return value.to_er7()


def with_hl7apy(text):
    from hl7apy.consts import VALIDATION_LEVEL
    from hl7apy.exceptions import InvalidName
    from hl7apy.parser import get_message_info, parse_message, parse_segment

    tolerant = VALIDATION_LEVEL.TOLERANT
    notes = []
    try:
        children = parse_message(text, find_groups=False, validation_level=tolerant).children
    except InvalidName:
        # Even when tolerant, hl7apy refuses a whole message for one segment its tables do not
        # have in the declared version (the volets' PRT, a v2.7 segment, in v2.6 messages):
        # each segment is then read alone, and only those it refuses with the newest tables.
        encoding_chars, _, version = get_message_info(text)
        children = []
        for line in text.split("\r"):
            try:
                children.append(parse_segment(line, version, encoding_chars, tolerant))
            except InvalidName:
                children.append(parse_segment(line, NEWEST, encoding_chars, tolerant))
                notes.append("{} read with hl7apy's v{} tables".format(line[:3], NEWEST))
    segments = []
    for segment in children:
        leaves = []
        last_name, repetition = None, 0
        for field in segment.children:
            number = position(field.name, 0)
            repetition = repetition + 1 if field.name == last_name else 0
            last_name = field.name
            c = 0
            for component in field.children:
                c = position(component.name, c)
                b = 0
                for subcomponent in component.children:
                    b = position(subcomponent.name, b)
                    leaves.append([number, repetition, c, b, raw_leaf(subcomponent)])
        segments.append({"name": segment.name, "leaves": leaves})
    return {"segments": segments, "notes": sorted(set(notes))}


def main(paths):
    # Both libraries log decoding problems (unknown escape sequences) on their own.
    logging.disable(logging.CRITICAL)
    files = []
    for path in paths:
        entry = {"path": path}
        try:
            with open(path, encoding="utf-8") as f:
                text = normalise(f.read())
        except (OSError, UnicodeDecodeError) as e:
            entry["error"] = "unreadable: {}".format(e)
            files.append(entry)
            continue
        for peer, read in (("python-hl7", with_python_hl7), ("hl7apy", with_hl7apy)):
            try:
                entry[peer] = read(text)
            except Exception as e:  # noqa: BLE001 - any failure of a peer is reported, not fatal
                entry[peer] = {
                    "error": "{}: {}".format(type(e).__name__, e),
                    "trace": traceback.format_exc(limit=3),
                }
        files.append(entry)
    json.dump({"files": files}, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
