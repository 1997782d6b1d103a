"""Reads the YAML of a CORE bundle (``core.yaml``): PyYAML's safe_load when it is installed, else a small
parser for the subset such files use (block mappings and lists, flow lists ``[0]``, plain, single- and
double-quoted scalars, comments)."""


def load(text):
    try:
        import yaml
    except ImportError:
        return parse(text)
    return yaml.safe_load(text)


class YamlError(ValueError):
    pass


def parse(text):
    lines = []
    for number, raw in enumerate(text.splitlines(), 1):
        content = _strip_comment(raw).rstrip()
        if content.strip() and content.strip() != "---":
            if "\t" in content[:len(content) - len(content.lstrip())]:
                raise YamlError(f"line {number}: tabs are not allowed for indentation")
            lines.append([len(content) - len(content.lstrip(" ")), content.strip(), number])
    if not lines:
        return None
    value, i = _block(lines, 0, lines[0][0])
    if i != len(lines):
        raise YamlError(f"line {lines[i][2]}: unexpected indentation")
    return value


def _is_item(content):
    return content == "-" or content.startswith("- ")


def _block(lines, i, indent):
    if _is_item(lines[i][1]):
        return _sequence(lines, i, indent)
    return _mapping(lines, i, indent)


def _sequence(lines, i, indent):
    out = []
    while i < len(lines) and lines[i][0] == indent and _is_item(lines[i][1]):
        content = lines[i][1]
        rest = content[1:].strip()
        if not rest:
            if i + 1 >= len(lines) or lines[i + 1][0] <= indent:
                out.append(None)
                i += 1
            else:
                value, i = _block(lines, i + 1, lines[i + 1][0])
                out.append(value)
        elif _key_split(rest) is not None:
            # "- key: value" opens a mapping whose keys sit at the column of "key"
            lines[i] = [indent + len(content) - len(rest), rest, lines[i][2]]
            value, i = _mapping(lines, i, lines[i][0])
            out.append(value)
        else:
            out.append(_scalar(rest, lines[i][2]))
            i += 1
    return out, i


def _mapping(lines, i, indent):
    out = {}
    while i < len(lines) and lines[i][0] == indent and not _is_item(lines[i][1]):
        split = _key_split(lines[i][1])
        if split is None:
            raise YamlError(f"line {lines[i][2]}: expected 'key: value', got {lines[i][1]!r}")
        key, rest = split
        number = lines[i][2]
        i += 1
        if rest:
            out[key] = _scalar(rest, number)
        elif i < len(lines) and (lines[i][0] > indent or (lines[i][0] == indent and _is_item(lines[i][1]))):
            out[key], i = _block(lines, i, lines[i][0])
        else:
            out[key] = None
    return out, i


def _key_split(content):
    quote = None
    for j, c in enumerate(content):
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"" and j == 0:
            quote = c
        elif c == ":" and (j + 1 == len(content) or content[j + 1] == " "):
            key = content[:j].strip()
            if key[:1] in "'\"" and key[-1:] == key[:1]:
                key = key[1:-1]
            return key, content[j + 1:].strip()
        elif c in "[{" and j == 0:
            return None
    return None


def _strip_comment(line):
    quote = None
    for j, c in enumerate(line):
        if quote:
            if c == "\\" and quote == '"':
                continue
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "#" and (j == 0 or line[j - 1] in " \t"):
            return line[:j]
    return line


def _scalar(text, number):
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        inner = text[1:-1].strip()
        return [_scalar(part, number) for part in _split_flow(inner)] if inner else []
    if text.startswith('"') and text.endswith('"') and len(text) >= 2:
        return _unescape(text[1:-1], number)
    if text.startswith("'") and text.endswith("'") and len(text) >= 2:
        return text[1:-1].replace("''", "'")
    lower = text.lower()
    if lower in ("true", "false"):
        return lower == "true"
    if lower in ("null", "~"):
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _split_flow(inner):
    parts, depth, quote, start = [], 0, None, 0
    for j, c in enumerate(inner):
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(inner[start:j])
            start = j + 1
    parts.append(inner[start:])
    return [p.strip() for p in parts]


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "/": "/", "0": "\0", " ": " "}


def _unescape(body, number):
    out, j = [], 0
    while j < len(body):
        c = body[j]
        if c != "\\":
            out.append(c)
            j += 1
            continue
        if j + 1 >= len(body):
            raise YamlError(f"line {number}: a double-quoted string ends with a backslash")
        e = body[j + 1]
        if e in _ESCAPES:
            out.append(_ESCAPES[e])
            j += 2
        elif e in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[e]
            out.append(chr(int(body[j + 2:j + 2 + width], 16)))
            j += 2 + width
        else:
            raise YamlError(f"line {number}: unknown escape \\{e}")
    return "".join(out)
