#!/bin/sh
# Put the front-end files the Solara dashboard loads into Solara's CDN cache.
#
# Why: Solara serves its browser bundle by proxying cdn.jsdelivr.net and caching
# the files in <venv>/share/solara/cdn. Where that CDN is out of reach (CI, a
# machine that reaches only package registries) the page stays blank. The same
# files are npm packages, so they are fetched with `npm pack` from the npm
# registry and unpacked where Solara's proxy looks first. With no npm, Solara
# falls back to fetching them from the CDN itself.
#
# Usage: tools/solara-assets.sh VENV   (idempotent; quiet when all is there)
set -eu
VENV=${1:-.venv}
CACHE="$VENV/share/solara/cdn"
# package@version as the page asks for them (solara's server/templates/solara.html.j2
# and the widgets the dashboard uses); update together with solara
PACKAGES="@widgetti/solara-vuetify-app@10.1.1 @widgetti/vue-grid-layout@2.3.13-alpha.2 requirejs@2.3.6
    font-awesome@4.5.0"

missing=""
for pkg in $PACKAGES; do
    [ -f "$CACHE/$pkg/package.json" ] || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if ! command -v npm >/dev/null 2>&1; then
    echo "tools/solara-assets.sh: npm not found; Solara will fetch its assets from its CDN" >&2
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for pkg in $missing; do
    tgz=$(cd "$tmp" && npm pack --silent "$pkg" 2>/dev/null | tail -n 1) || {
        echo "tools/solara-assets.sh: npm pack $pkg failed" >&2
        exit 1
    }
    dest="$CACHE/$pkg"
    mkdir -p "$dest"
    tar -xzf "$tmp/$tgz" -C "$dest" --strip-components=1
    echo "solara assets: $pkg -> $dest"
done
