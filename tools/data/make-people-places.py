#!/usr/bin/env python3
"""Regenerates the small span data set in data/people-places/: train.jsonl (60 sentences) and dev.jsonl (20).

The case it stands for: a user with a few dozen hand-labelled sentences of character spans whose labels overlap
(a person is PERSON and FEMALE or MALE, a place is PLACE and CITY or COUNTRY), trained with no flags. Sentences
come from templates with distractor words (verbs such as "opened", capitalised sentence starts, sentences with no
entity); names and places are drawn from the same pools for train and dev, and no dev sentence is a training one.

Each line: {"text": ..., "spans": [{"start", "end", "label"}, ...]} (end exclusive, in characters), two spans
per mention. Re-running gives byte-identical files (a fixed seed; Python 3's random.Random is stable).
Nothing in the build runs this script; its outputs are committed.

Usage: tools/data/make-people-places.py [output dir]   (default: data/people-places)
"""
import json
import random
import sys
from pathlib import Path

FEMALE = ["Elizabeth", "Jane", "Mary", "Margaret", "Anna", "Sarah", "Emma", "Lucy", "Charlotte", "Alice",
          "Catherine", "Helen"]
MALE = ["John", "William", "George", "Thomas", "James", "Henry", "Charles", "Edward", "Robert", "Peter", "David",
        "Michael"]
CITY = ["London", "Paris", "Berlin", "Madrid", "Rome", "Vienna", "Dublin", "Lisbon", "Boston", "Chicago", "Tokyo",
        "New York"]
COUNTRY = ["France", "Germany", "Spain", "Italy", "Austria", "Ireland", "Portugal", "Canada", "Japan", "Brazil",
           "Egypt", "Norway"]

# {P}/{Q}: people, {L}/{M}: places, {his}: the possessive of {P}, {X}: a thing (no label)
THINGS = ["door", "gate", "bridge", "library", "bakery", "school", "window", "factory", "garden", "theatre"]

TEMPLATES = [
    "{P} walked to {L}.",
    "{P} opened the shop in {L} on Monday.",
    "Yesterday {P} flew from {L} to {M}.",
    "The letter from {P} arrived in {L} too late.",
    "{P} and {Q} met in {L}.",
    "In {L}, {P} bought a red coat.",
    "{P} said the bank opened early.",
    "The train left {L} at noon.",
    "{P} never visited {L}, but {Q} did.",
    "After the storm, {P} wrote to {Q} from {L}.",
    "Nobody in the village opened the {X}.",
    "{P} is reading a book about {L}.",
    "The museum in {L} opened a new hall.",
    "{P} moved to {L} with {his} family.",
    "Summer in {L} was hot, {P} told the children.",
    "{P} sold apples at the market.",
    "Did {P} call from {L} yesterday?",
    "Ships from {L} reached {M} in May.",
    "Every morning {P} opened the window and sang.",
    "Prices in {L} rose again this year.",
    "{P} lent {Q} an umbrella.",
    "The old {X} was closed for repairs.",
    "Later that week {P} returned from {L} with {Q}.",
    "{P} thinks {L} is lovely in spring.",
]


def person(r):
    if r.random() < 0.5:
        return r.choice(FEMALE), "FEMALE", "her"
    return r.choice(MALE), "MALE", "his"


def place(r):
    if r.random() < 0.5:
        return r.choice(CITY), "CITY"
    return r.choice(COUNTRY), "COUNTRY"


def sentence(r, template):
    """Fills a template left to right, recording two spans per mention at their character offsets."""
    p, q = person(r), person(r)
    while q[0] == p[0]:
        q = person(r)
    l, m = place(r), place(r)
    while m[0] == l[0]:
        m = place(r)
    fills = {"P": (p[0], "PERSON", p[1]), "Q": (q[0], "PERSON", q[1]),
             "L": (l[0], "PLACE", l[1]), "M": (m[0], "PLACE", m[1]), "his": (p[2], None, None),
             "X": (r.choice(THINGS), None, None)}
    text, spans, i = "", [], 0
    while i < len(template):
        if template[i] == "{":
            j = template.index("}", i)
            word, coarse, fine = fills[template[i + 1:j]]
            if coarse is not None:
                spans.append({"start": len(text), "end": len(text) + len(word), "label": coarse})
                spans.append({"start": len(text), "end": len(text) + len(word), "label": fine})
            text += word
            i = j + 1
        else:
            text += template[i]
            i += 1
    return {"text": text, "spans": spans}


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "data" / "people-places"
    out.mkdir(parents=True, exist_ok=True)
    r = random.Random(21)
    seen, rows = set(), []
    # every template at least twice in train and once in dev, the rest at random; texts never repeat
    order = TEMPLATES * 2 + [r.choice(TEMPLATES) for _ in range(60 - 2 * len(TEMPLATES))]
    r.shuffle(order)
    dev_order = TEMPLATES[:20]
    for template in order + dev_order:
        row = sentence(r, template)
        while row["text"] in seen:
            row = sentence(r, template)
        seen.add(row["text"])
        rows.append(row)
    for name, part in (("train.jsonl", rows[:60]), ("dev.jsonl", rows[60:])):
        with open(out / name, "w", encoding="utf-8", newline="\n") as f:
            for row in part:
                f.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
