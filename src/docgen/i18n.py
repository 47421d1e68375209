"""Translations through gettext catalogs: `_("text")` in the language of the current request.

Catalogs are compiled .mo files shipped in the package (docgen/locale/<lang>/LC_MESSAGES/
<domain>.mo), made from .po files with Babel (babel.cfg; `python scripts/web_catalog.py` extracts,
merges and compiles the web pages' catalog). The web pages are written in Chinese, the bureau's
language; the `web` domain's `en` catalog gives English to browsers that prefer it. A text
without a translation shows as written.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext

LANGUAGES = ("zh", "en")
DEFAULT = "zh"
WEB = "web"
CLI = "docgen"  # the command line's domain: English msgids, a zh_CN catalog

_current: contextvars.ContextVar[gettext.NullTranslations] = contextvars.ContextVar(
    "docgen_translations", default=gettext.NullTranslations())
# the docgen domain (library and CLI messages) for the request being served, when a web page
# is being made; None outside a request, where the language the CLI installed applies
_request_docgen: contextvars.ContextVar[gettext.NullTranslations | None] = contextvars.ContextVar(
    "docgen_request_translations", default=None)


@functools.cache
def translations(lang: str, domain: str = WEB) -> gettext.NullTranslations:
    from importlib.resources import files

    localedir = files("docgen") / "locale"
    languages = ["zh_CN", "zh"] if lang == "zh" else [lang]
    return gettext.translation(domain, localedir=str(localedir), languages=languages,
                               fallback=True)


def _(message: str) -> str:
    return _current.get().gettext(message)


def N_(message: str) -> str:
    """Marks a text for the catalog where it is declared; it is translated where it is shown."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.get().ngettext(singular, plural, n)


@contextlib.contextmanager
def language(lang: str, domain: str = WEB):
    """Translate `_()` calls inside the block into `lang`."""
    lang = lang if lang in LANGUAGES else DEFAULT
    token = _current.set(translations(lang, domain))
    # the library's own messages (the docgen domain) follow the same language in the block
    token_docgen = _request_docgen.set(
        gettext.NullTranslations() if lang == "en" else translations(lang, CLI))
    try:
        yield
    finally:
        _request_docgen.reset(token_docgen)
        _current.reset(token)


def negotiate(accept_language: str | None) -> str:
    """The language for an Accept-Language header: the first of zh/en it prefers, else zh."""
    choices = []
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        lang = tag.strip().lower().split("-")[0]
        if lang in LANGUAGES and q > 0:
            choices.append((-q, i, lang))
    return min(choices)[2] if choices else DEFAULT


# --- the command line: one language for the whole process, chosen at the CLI edge ----------

_cli: gettext.NullTranslations = gettext.NullTranslations()
_cli_lang = "en"


def cli_language(lang: str | None, environ) -> str:
    """zh or en: `--lang` when given, else the locale (LC_ALL, then LC_MESSAGES, then LANG;
    zh_* is Chinese, anything else English)."""
    if lang:
        return "zh" if lang.lower().startswith("zh") else "en"
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def use_cli_language(lang: str) -> None:
    """Install `lang` for the command line's messages (`cli_gettext`); called at the CLI edge."""
    global _cli, _cli_lang
    _cli_lang = lang if lang in LANGUAGES else "en"
    _cli = gettext.NullTranslations() if _cli_lang == "en" else translations(_cli_lang, CLI)


def current_cli_language() -> str:
    return _cli_lang


def _docgen_translations() -> gettext.NullTranslations:
    return _request_docgen.get() or _cli


def cli_gettext(message: str) -> str:
    """A text of the docgen domain (English msgid) in the user's language: the web request's
    inside `language()`, else the one the CLI installed. Library modules import it as `_`."""
    return _docgen_translations().gettext(message) if message else message


def cli_ngettext(singular: str, plural: str, n: int) -> str:
    return _docgen_translations().ngettext(singular, plural, n)
