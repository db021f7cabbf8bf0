"""Learner-controlled text made safe where it lands: a terminal, markdown, HTML, a spreadsheet cell.

A student chooses their folder name, what their code prints and the text of their exceptions; each
of those reaches the instructor's terminal, feedback files and gradebooks. Every output escapes it
for its own medium here, in one place, rather than trusting it to be plain.
"""

from __future__ import annotations

import html
import re
import unicodedata

# ESC [ ... final byte (CSI), ESC ] ... BEL or ESC \ (OSC: titles, hyperlinks), other two-byte escapes.
_ESCAPE_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]|\x9b[0-?]*[ -/]*[@-~]")

OUTPUT_PER_CHECK = 4096  # characters of a check's captured output kept in results


def _is_control(ch: str) -> bool:
    # Cc: C0/C1 controls; Cf: bidi overrides and zero-width characters that disguise text.
    return unicodedata.category(ch) in ("Cc", "Cf")


def plain(text: str, *, keep_newlines: bool = True) -> str:
    """Text without terminal escape sequences and control characters (tabs become spaces);
    with keep_newlines=False, line breaks become spaces too (one-line fields: names, titles)."""
    text = _ESCAPE_SEQUENCE.sub("", str(text)).replace("\r\n", "\n").replace("\t", "    ")
    kept = []
    for ch in text:
        if ch == "\n":
            kept.append("\n" if keep_newlines else " ")
        elif not _is_control(ch):
            kept.append(ch)
    return "".join(kept)


def clean_output(text: str, limit: int = OUTPUT_PER_CHECK) -> str:
    """What a learner's code printed, for a report: plain text, at most `limit` characters, with a
    note of how much was cut."""
    text = plain(text)
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n[... {len(text) - limit} more characters not shown]"


def terminal(text: str) -> str:
    """One line for the instructor's terminal: no escapes, no controls, no rich markup."""
    from rich.markup import escape

    return escape(plain(text, keep_newlines=False))


# Characters markdown (CommonMark and GitHub's) gives meaning to inside a line: emphasis, code
# spans, links and images, tables, strikethrough, autolinks. Those that matter only at the start
# of a line (#, -, +, =, digits) cannot get there: the text is one line, after the output's prefix.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~!])")


def markdown(text: str) -> str:
    """Learner text inside a line of markdown, after a prefix: it cannot start a new line
    ("Total: 28/28"), a heading or a list item, link, embed HTML or close a code span around it."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(plain(text, keep_newlines=False), quote=False))


def markdown_block(text: str) -> str:
    """Several lines of learner text (a message, output) as one indented block: every line escaped."""
    return "\n".join(markdown(line) for line in plain(text).split("\n"))


def html_text(text: str) -> str:
    return html.escape(plain(text), quote=True)


# A cell a spreadsheet (Excel, LibreOffice, Google Sheets) may read as a formula: after optional
# whitespace, one of = + - @ or their full-width forms, or a tab or carriage return.
_FORMULA_START = re.compile(r"^[\s\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20\u2212\ufe62\ufe63\ufe66]|^[\t\r]")


def csv_cell(text: str) -> str:
    """A learner-chosen cell: prefixed with ' when a spreadsheet would run it as a formula."""
    text = plain(text, keep_newlines=False)
    return "'" + text if _FORMULA_START.match(text) or _FORMULA_START.match(unicodedata.normalize("NFKC", text)) \
        else text


# XML 1.0 allows tab, newline, carriage return and these ranges; anything else makes a file that
# no parser (Jenkins, GitLab, GitHub's test reporters) reads at all.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """Text for an XML file (JUnit): escapes removed as for a report, and any character XML 1.0
    cannot hold shown as its code (\\x1b) instead of making the whole file unreadable."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", plain(text))
