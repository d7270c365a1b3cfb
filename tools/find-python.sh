#!/bin/sh
# Print the path of a Python >= 3.12 interpreter, or fail with a clear message.
# Why: python3 may be 3.11 here, and pyenv's shims refuse versions that are
# installed but not selected, so we probe real binaries, not just names.
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
for name in python3.13 python3.12 python3.14 python3; do
    p=$(command -v "$name" 2>/dev/null) || continue
    if ok "$p"; then echo "$p"; exit 0; fi
done
roots="${PYENV_ROOT:-} $HOME/.pyenv /root/.pyenv /usr/local/pyenv /opt/pyenv"
command -v pyenv >/dev/null 2>&1 && roots="$(pyenv root 2>/dev/null) $roots"
for r in $roots; do
    [ -d "$r/versions" ] || continue
    for p in $(ls -d "$r"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -r -V); do
        if ok "$p"; then echo "$p"; exit 0; fi
    done
done
for p in /usr/local/bin/python3.13 /usr/local/bin/python3.12 /usr/bin/python3.13 /usr/bin/python3.12; do
    if [ -x "$p" ] && ok "$p"; then echo "$p"; exit 0; fi
done
echo "error: no Python >= 3.12 found (tried python3.13, python3.12, python3 and pyenv versions); install one, e.g. 'pyenv install 3.12'" >&2
exit 1
