"""Streams CPython's tokenize output for a list of files, one file at a time.

Usage: python3 -u tokenize_oracle.py LIST   (LIST holds one path per line)

For each path, in order, stdout gets either
    F <count>\n                       then <count> tokens, each as
    <TYPE> <sl> <sc> <el> <ec> <n>\n<n bytes of the token string in UTF-8>\n
or, when tokenize raises,
    R <line> <exception type>: <message>\n     (<line> is 0 when the exception names none)
Positions are tokenize's: 1-based lines, 0-based columns in characters.
"""

import sys
import tokenize


def describe_rejection(error):
    line = 0
    if isinstance(error, SyntaxError) and error.lineno:
        line = error.lineno
    elif isinstance(error, tokenize.TokenError) and len(error.args) > 1:
        line = error.args[1][0]
    message = " ".join(str(error.args[0] if error.args else error).split())
    return b"R %d %s: %s\n" % (line, type(error).__name__.encode(), message.encode("utf-8", "replace"))


def main(list_path):
    out = sys.stdout.buffer
    with open(list_path, encoding="utf-8") as listing:
        paths = [line.rstrip("\n") for line in listing if line.strip()]
    for path in paths:
        try:
            with open(path, "rb") as source:
                tokens = list(tokenize.tokenize(source.readline))
        except (tokenize.TokenError, SyntaxError, UnicodeDecodeError) as error:
            out.write(describe_rejection(error))
            out.flush()
            continue
        parts = [b"F %d\n" % len(tokens)]
        for token in tokens:
            text = token.string.encode("utf-8", "surrogatepass")
            parts.append(
                b"%s %d %d %d %d %d\n"
                % (
                    tokenize.tok_name[token.type].encode(),
                    token.start[0],
                    token.start[1],
                    token.end[0],
                    token.end[1],
                    len(text),
                )
            )
            parts.append(text)
            parts.append(b"\n")
        out.write(b"".join(parts))
        out.flush()


if __name__ == "__main__":
    main(sys.argv[1])
