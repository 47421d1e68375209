#!/usr/bin/env bash
# Install the system packages docgen needs (LibreOffice Writer, Chinese fonts, poppler),
# only when something is missing. Debian/Ubuntu: apt-get (as root, or through sudo).
set -euo pipefail

need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
fc-list 2>/dev/null | grep -qi "Noto Serif CJK SC" || need+=(fonts-noto-cjk)
[ -d /usr/share/texlive/texmf-dist/fonts/opentype/public/fandol ] || need+=(texlive-lang-chinese)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v fc-cache >/dev/null 2>&1 || need+=(fontconfig)

if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "docgen needs: ${need[*]} (Debian/Ubuntu package names)." >&2
    echo "Install LibreOffice Writer, Noto CJK fonts and the Fandol fonts with your system's package manager, then rerun." >&2
    exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
        echo "docgen needs root to install: ${need[*]} (run: apt-get install ${need[*]})" >&2
        exit 1
    fi
fi
echo "Installing system packages: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
