"""placement-lint's MCP server driven by the official MCP Python SDK (PyPI `mcp`), as an agent
would: connect over stdio, list the tools, call each one, and check the answers.

Usage: python client.py PLACEMENT_LINT_BINARY FOLDER   (FOLDER is copied: apply_fixes writes)
"""

import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

from mcp import Client, StdioServerParameters


PASSED = 0


def check(condition, message):
    global PASSED
    if not condition:
        raise AssertionError(message)
    PASSED += 1


def text_of(result):
    return "\n".join(block.text for block in result.content if getattr(block, "text", None))


async def read_only(binary, folder):
    server = StdioServerParameters(command=binary, args=["mcp", str(folder)])
    async with Client(server) as client:
        tools = await client.list_tools()
        names = [tool.name for tool in tools.tools]
        check(names == ["check", "explain_rule", "preview_fixes"], f"tools: {names}")
        for tool in tools.tools:
            check(tool.annotations and tool.annotations.read_only_hint, f"{tool.name} is read-only")

        result = await client.call_tool("check", {"path": "."})
        check(not result.is_error, text_of(result))
        report = result.structured_content
        codes = [d["code"] for d in report["diagnostics"]]
        check(codes == ["PL101", "PL101"], f"codes: {codes}")
        check(report["diagnostics"][0]["file"] == "wrangler.toml", report["diagnostics"][0])

        result = await client.call_tool("explain_rule", {"rule": "PL101"})
        check(text_of(result).startswith("# PL101 (placement-hint-removed)"), text_of(result))

        before = (folder / "wrangler.toml").read_text()
        result = await client.call_tool("preview_fixes", {})
        diff = result.structured_content["diff"]
        check('-hint = "wnam"' in diff, diff)
        check((folder / "wrangler.toml").read_text() == before, "preview_fixes wrote nothing")

        result = await client.call_tool("check", {"path": ".."})
        check(result.is_error, "a path outside the folder is refused")


async def writes(binary, folder):
    server = StdioServerParameters(command=binary, args=["mcp", str(folder), "--allow-writes"])
    async with Client(server) as client:
        names = [tool.name for tool in (await client.list_tools()).tools]
        check("apply_fixes" in names, f"tools: {names}")
        result = await client.call_tool("apply_fixes", {})
        check(result.structured_content["written"], text_of(result))
        check("hint =" not in (folder / "wrangler.toml").read_text(), "the fix was written")


def main():
    binary, source = sys.argv[1], Path(sys.argv[2])
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "project"
        shutil.copytree(source, folder)
        asyncio.run(read_only(binary, folder))
        asyncio.run(writes(binary, folder))
    print(f"mcp-python-sdk: {PASSED} passed, 0 failed")


if __name__ == "__main__":
    main()
