#!/usr/bin/env bash
# Install the system packages docgen needs (LibreOffice Writer and Calc, Chinese fonts, poppler,
# Tesseract with Chinese and English, Ghostscript),
# only when something is missing. Debian/Ubuntu: apt-get (as root, or through sudo).
set -euo pipefail

need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
# Calc: tests open the Excel forms docgen writes as a clerk's LibreOffice would, and save them
[ -f /usr/lib/libreoffice/program/libsclo.so ] || need+=(libreoffice-calc-nogui)
# docgen drives LibreOffice through UNO from the system Python (Debian's bridge)
/usr/bin/python3 -c "import uno" >/dev/null 2>&1 || need+=(python3-uno)
# (no `fc-list | grep -q`: grep quits early, fc-list dies of SIGPIPE and pipefail says "missing")
[ -n "$(fc-list 'Noto Serif CJK SC' 2>/dev/null)" ] || need+=(fonts-noto-cjk)
[ -d /usr/share/texlive/texmf-dist/fonts/opentype/public/fandol ] || need+=(texlive-lang-chinese)
# rare characters outside the Fandol and Noto fonts (CJK Ext B, e.g. 𠀀), in mainland forms
[ -f /usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf ] || need+=(fonts-babelstone-han)
# the 归档章 is drawn in AR PL SungtiL GB, a TrueType font reportlab can embed
[ -f /usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf ] || need+=(fonts-arphic-gbsn00lp)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v fc-cache >/dev/null 2>&1 || need+=(fontconfig)
# scans and images become searchable PDF/A through OCRmyPDF: Tesseract with Simplified Chinese
# and English, Ghostscript for the PDF/A output; pngquant and unpaper are optional helpers
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
[ -n "$(ls /usr/share/tesseract-ocr/*/tessdata/chi_sim.traineddata 2>/dev/null)" ] || need+=(tesseract-ocr-chi-sim)
[ -n "$(ls /usr/share/tesseract-ocr/*/tessdata/eng.traineddata 2>/dev/null)" ] || need+=(tesseract-ocr-eng)
command -v gs >/dev/null 2>&1 || need+=(ghostscript)
command -v pngquant >/dev/null 2>&1 || need+=(pngquant)
# the web pages' end-to-end tests drive Debian's Chromium through its chromedriver
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)

# The Fandol Bold faces claim regular weight; docgen's font map fixes that when fontconfig
# scans them. A cache written before (or without) the map keeps the wrong weight: rebuild it.
fix_fandol_cache() {
    local conf fandol
    conf="$(cd "$(dirname "$0")/.." && pwd)/src/docgen/data/fontconfig/fonts.conf"
    fandol=/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol
    [ -d "$fandol" ] && [ -f "$conf" ] || return 0
    FONTCONFIG_FILE="$conf" fc-list "FandolHei:style=Bold" weight 2>/dev/null | grep -q "weight=200" \
        || FONTCONFIG_FILE="$conf" fc-cache -f "$fandol" >/dev/null 2>&1 || true
}

if [ ${#need[@]} -eq 0 ]; then
    fix_fandol_cache
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
fix_fandol_cache
