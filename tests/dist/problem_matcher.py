"""Checks the GitHub problem matcher against real `placement-lint check` output.

    python3 problem_matcher.py MATCHER.json HUMAN.txt DIAGNOSTICS.json

HUMAN.txt is the human output of a check and DIAGNOSTICS.json the JSON output of the same check.
The matcher is validated by the rules the GitHub runner applies when it is registered, then run
over HUMAN.txt line by line the way the runner runs matchers (a multi-line matcher keeps a
running match per pattern; the first match of any matcher resets the others). Every diagnostic
must come out as exactly one annotation with its file, line, column, code and severity, and a
message that starts the diagnostic's message; nothing else may match.
"""

import json
import re
import sys

PROPERTIES = ("file", "line", "column", "severity", "code", "message", "fromPath")
SEVERITIES = {"error": "error", "warning": "warning", "info": "notice"}


def validate(config):
    owners = set()
    for matcher in config["problemMatcher"]:
        owner = matcher["owner"]
        assert owner and owner.lower() not in owners, f"empty or duplicate owner {owner!r}"
        owners.add(owner.lower())
        assert matcher.get("severity", "").lower() in ("", "error", "warning", "notice"), owner
        patterns = matcher["pattern"]
        assert patterns, f"{owner} has no patterns"
        seen = set()
        for index, pattern in enumerate(patterns):
            assert not pattern.get("loop") or (index > 0 and index == len(patterns) - 1), owner
            groups = re.compile(pattern["regexp"]).groups
            for name in PROPERTIES:
                if name in pattern:
                    assert name not in seen, f"{owner} sets {name} twice"
                    assert 0 <= pattern[name] <= groups, f"{owner}: {name} is not a group"
                    seen.add(name)
        assert "message" in seen, f"{owner} sets no message"


class Matcher:
    def __init__(self, config):
        self.owner = config["owner"]
        self.severity = config.get("severity", "")
        self.patterns = [(re.compile(p["regexp"]), p) for p in config["pattern"]]
        self.reset()

    def reset(self):
        self.state = [None] * (len(self.patterns) - 1)

    @staticmethod
    def capture(previous, pattern, match):
        captured = dict(previous or {})
        for name in PROPERTIES:
            if name in pattern and captured.get(name) is None:
                captured[name] = match.group(pattern[name])
        return captured

    def match(self, line):
        """The issue this line completes, if any (patterns are tried last to first)."""
        last = len(self.patterns) - 1
        for index in range(last, -1, -1):
            running = self.state[index - 1] if index > 0 else None
            if index > 0 and running is None:
                continue
            regex, pattern = self.patterns[index]
            found = regex.search(line)
            if index == last:
                if found:
                    self.reset()
                    issue = self.capture(running, pattern, found)
                    issue.setdefault("severity", None)
                    issue["severity"] = issue["severity"] or self.severity or "error"
                    return issue
                if index > 0:
                    self.state[index - 1] = None
            else:
                self.state[index] = self.capture(running, pattern, found) if found else None
        return None


def annotations(config, lines):
    matchers = [Matcher(matcher) for matcher in config["problemMatcher"]]
    issues = []
    for line in lines:
        for matcher in matchers:
            issue = matcher.match(line)
            if issue is not None:
                for other in matchers:
                    if other is not matcher:
                        other.reset()
                issues.append(issue)
                break
    return issues


def words(text):
    return " ".join(text.split())


def main(matcher_path, human_path, json_path):
    with open(matcher_path, encoding="utf-8") as file:
        config = json.load(file)
    validate(config)
    with open(human_path, encoding="utf-8") as file:
        lines = file.read().splitlines()
    with open(json_path, encoding="utf-8") as file:
        diagnostics = json.load(file)["diagnostics"]
    assert diagnostics, "the check found nothing: the matcher would be tested on nothing"

    issues = annotations(config, lines)
    expected = sorted(
        (d["file"], d["range"]["start"]["line"], d["range"]["start"]["column"], d["code"],
         SEVERITIES[d["severity"]], words(d["message"]))
        for d in diagnostics
    )
    found = sorted(
        (i["file"], int(i["line"]), int(i["column"]), i["code"], i["severity"], words(i["message"]))
        for i in issues
    )
    problems = []
    if len(found) != len(expected):
        problems.append(f"{len(found)} annotations for {len(expected)} diagnostics")
    for want, got in zip(expected, found):
        if want[:5] != got[:5] or not want[5].startswith(got[5]):
            problems.append(f"diagnostic {want}\n  annotated as {got}")
    if problems:
        sys.exit("problem matcher: " + "\n".join(problems[:10]))
    print(f"problem matcher: {len(found)} annotations, one per diagnostic")


if __name__ == "__main__":
    main(*sys.argv[1:])
