"""Templates cannot exhaust the machine: a bounded Jinja sandbox, a package check, a child.

A template is a clerk's own .docx, so it is untrusted code. Three walls, each for what the one
before cannot see:

    check_package(path)      the .docx's zip parts against size and expansion limits, before
                             python-docx unpacks a byte (a 2 GB zip-bomb part is refused here)
    environment(limits)      Jinja's immutable sandbox plus: no include/import/extends, no
                             `_` attributes (checked when parsed, so `template check` sees them
                             too), range() and loop budgets, string growth (* % center ljust
                             replace join …) capped before it happens, macro recursion capped,
                             output size capped
    run_bounded(fn, jobs)    the rendering in a forked child with RLIMIT_AS, RLIMIT_FSIZE and a
                             wall-clock timeout per document; the parent kills it when exceeded

Every bound exceeded is a TemplateError (exit 4) that names the bound.
"""

from __future__ import annotations

import errno
import os
import re
import signal
import zipfile
from dataclasses import dataclass
from pathlib import Path

from jinja2 import StrictUndefined, nodes
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.runtime import LoopContext, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment

from docgen.errors import DocgenError, TemplateError
from docgen.i18n import N_
from docgen.i18n import cli_gettext as _


@dataclass(frozen=True)
class Limits:
    """How much one template may use. Official documents need a tiny fraction of each."""

    max_range: int = 10_000  # items in one range(): a table of 10,000 rows is already absurd
    max_loop_items: int = 100_000  # range() items in all, per document: nested loops add up
    max_string: int = 1_000_000  # characters one operation (* % center join …) may make
    max_power_bits: int = 4_096  # bits of an integer `**` may make
    max_call_depth: int = 30  # nested macro / recursive-loop calls (Python's stack is ~1000)
    max_output: int = 64_000_000  # characters of rendered XML per part (the bundled plan's
    # body is under 100,000)
    seconds: float = 30.0  # wall clock per document (docgen renders one in ~20 ms)
    memory: int = 1 << 30  # bytes of address space the render child may add to the parent's
    max_file_bytes: int = 512 << 20  # any file the render child writes (RLIMIT_FSIZE)
    max_part_bytes: int = 64 << 20  # one unpacked part of the .docx (the body, an image)
    max_package_bytes: int = 256 << 20  # all parts together, unpacked
    max_parts: int = 2_000
    max_ratio: int = 200  # unpacked ÷ packed for a part over 1 MB (XML packs 10–30 ×)


LIMITS = Limits()


class TemplateLimit(SecurityError):
    """A template went past one of docgen's bounds (Limits)."""


def check_package(path: Path, limits: Limits = LIMITS) -> None:
    """Refuse a .docx whose parts would unpack past the limits; reads only the zip directory."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise TemplateError(_("{path}: not a Word .docx file ({problem}) — save it as .docx")
                            .format(path=path, problem=e)) from None
    problems = []
    if len(infos) > limits.max_parts:
        problems.append(_("it has {count} parts, more than {limit}").format(
            count=len(infos), limit=limits.max_parts))
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > limits.max_part_bytes:
            problems.append(_("part {name} unpacks to {size}, past the {limit} limit for one part")
                            .format(name=info.filename[:80], size=_mb(info.file_size),
                                    limit=_mb(limits.max_part_bytes)))
        elif (info.file_size > 1 << 20
              and info.file_size > limits.max_ratio * max(info.compress_size, 1)):
            problems.append(_("part {name} unpacks to {ratio} times its packed size, past the "
                              "limit of {limit}").format(
                                  name=info.filename[:80],
                                  ratio=info.file_size // max(info.compress_size, 1),
                                  limit=limits.max_ratio))
    if total > limits.max_package_bytes:
        problems.append(_("its parts unpack to {size}, past the {limit} limit").format(
            size=_mb(total), limit=_mb(limits.max_package_bytes)))
    if problems:
        raise TemplateError(_("{path}: refused before unpacking: {problem} — a Word template is "
                              "a few hundred KB; re-save it in Word or WPS (a zip bomb?)").format(
                                  path=path, problem=problems[0]),
                            problems if len(problems) > 1 else None)


def _mb(n: int) -> str:
    return f"{n / (1 << 20):.0f} MB" if n >= 1 << 20 else _("{n} bytes").format(n=n)


# ---- the Jinja environment ---------------------------------------------------------------

_FORBIDDEN_TAGS = {"Include": "{% include %}", "Import": "{% import %}",
                   "FromImport": "{% from … import %}", "Extends": "{% extends %}"}
_PRINTF_WIDTH = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_SIZED_METHODS = {"center", "ljust", "rjust", "zfill"}


def environment(limits: Limits = LIMITS) -> BoundedSandbox:
    """A fresh bounded sandbox (budgets count per environment: make one per document)."""
    return BoundedSandbox(limits)


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with docgen's refusals and budgets (see the module doc)."""

    intercepted_binops = frozenset({"*", "**", "%"})
    _compiled: dict = {}  # source -> code; the same for every BoundedSandbox, whatever limits

    def __init__(self, limits: Limits = LIMITS):
        super().__init__(autoescape=True, undefined=StrictUndefined)
        self.limits = limits
        self.loop_items = 0
        self.depth = 0
        self.globals["range"] = self.bounded_range
        self.globals.pop("lipsum", None)  # lipsum(10**7) is text out of nothing
        for name in ("center", "indent", "replace", "join", "format", "wordwrap"):
            self.filters[name] = _bounded_filter(self.filters[name], name, self.string_size)

    def need(self, ok: bool, what: str) -> None:
        if not ok:
            raise TemplateLimit(what)

    def string_size(self, n: int, what: str) -> None:
        self.need(n <= self.limits.max_string, _(
            "{what} would make {n} characters, past the template limit of {limit}").format(
                what=_(what), n=n, limit=self.limits.max_string))

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        # docxtpl compiles each part of the template again for every document; the code
        # depends only on the source (and this class), so a batch compiles each part once
        if raw or defer_init or not isinstance(source, str):
            return super().compile(source, name, filename, raw, defer_init)
        key = (source, name, filename)
        code = self._compiled.get(key)
        if code is None:
            code = super().compile(source, name, filename)
            if len(self._compiled) >= 64:
                self._compiled.clear()
            self._compiled[key] = code
        return code

    def _parse(self, source, name, filename):
        tree = super()._parse(source, name, filename)
        for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport,
                                   nodes.Extends)):
            raise TemplateSyntaxError(
                _("{tag} is not allowed: a template is one Word file").format(
                    tag=_FORBIDDEN_TAGS[type(node).__name__]), node.lineno, name, filename)
        for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
            attr = node.attr if isinstance(node, nodes.Getattr) else (
                node.arg.value if isinstance(node.arg, nodes.Const) else None)
            if isinstance(attr, str) and attr.startswith("_"):
                raise TemplateSyntaxError(
                    _("{name!r} reaches into Python internals, which templates may not use "
                      "(unsafe)").format(name=attr), node.lineno, name, filename)
        return tree

    def wrap_str_format(self, value):
        return None  # str.format is refused outright (is_safe_attribute), not wrapped

    def is_safe_attribute(self, obj, attr, value):
        if isinstance(obj, str) and attr in ("format", "format_map"):
            return False  # '{:>999999999}'.format(1): widths no cap can see
        return super().is_safe_attribute(obj, attr, value)

    def bounded_range(self, *args):
        r = range(*args)
        self.need(len(r) <= self.limits.max_range, _(
            "range() of {count} items, past the template limit of {limit}").format(
                count=len(r), limit=self.limits.max_range))
        self.loop_items += len(r)
        self.need(self.loop_items <= self.limits.max_loop_items, _(
            "the template's loops ask for more than {limit} range() items in all").format(
                limit=self.limits.max_loop_items))
        return r

    def call_binop(self, context, operator, left, right):
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(n, int) and hasattr(seq, "__len__") and not isinstance(
                        seq, (int, float)):
                    self.string_size(len(seq) * max(n, 0), N_("repeating a value"))
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and right > 0:
                bits = max(abs(left).bit_length(), 1) * right
                self.need(bits <= self.limits.max_power_bits, _(
                    "a power of {bits} bits, past the template limit of {limit}").format(
                        bits=bits, limit=self.limits.max_power_bits))
        elif operator == "%" and isinstance(left, str):
            _check_printf(left, right, self.string_size)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature)
        bound_to = getattr(__obj, "__self__", None)
        if isinstance(bound_to, str):
            _check_str_method(bound_to, __obj.__name__, args, kwargs, __self.string_size)
        if not isinstance(__obj, (Macro, LoopContext)):
            return super().call(__context, __obj, *args, **kwargs)
        __self.depth += 1
        try:
            __self.need(__self.depth <= __self.limits.max_call_depth, _(
                "macros or recursive loops call each other more than {limit} deep").format(
                    limit=__self.limits.max_call_depth))
            return super().call(__context, __obj, *args, **kwargs)
        finally:
            __self.depth -= 1

    def concat(self, parts):
        out = "".join(parts)  # memory is the child's RLIMIT_AS; this gives the reason
        self.need(len(out) <= self.limits.max_output, _(
            "the template's output passes {limit} characters").format(
                limit=self.limits.max_output))
        return out


def _bounded_filter(f, name, string_size):
    from functools import wraps

    @wraps(f)
    def bounded(*args, **kwargs):
        # the first argument may be the eval context (pass_eval_context filters)
        values = [a for a in args if not hasattr(a, "autoescape")]
        value = values[0] if values else ""
        rest = values[1:]
        size = len(value) if hasattr(value, "__len__") else 0
        if name == "center":
            width = rest[0] if rest else kwargs.get("width", 80)
            string_size(_int(width), "center()")
        elif name == "indent":
            width = rest[0] if rest else kwargs.get("width", 4)
            if isinstance(width, str):
                string_size(len(width) * (str(value).count("\n") + 1) + size, "indent()")
            else:
                string_size(_int(width) * (str(value).count("\n") + 1) + size, "indent()")
        elif name == "replace":
            old = rest[0] if rest else kwargs.get("old", "")
            new = rest[1] if len(rest) > 1 else kwargs.get("new", "")
            hits = str(value).count(str(old)) if str(old) else size + 1
            string_size(size + hits * len(str(new)), "replace()")
        elif name == "join":
            sep = rest[0] if rest else kwargs.get("d", "")
            if hasattr(value, "__len__"):
                string_size(len(str(sep)) * len(value), "join()")
        elif name == "format":
            _check_printf(str(value), tuple(rest) or kwargs, string_size)
        elif name == "wordwrap":
            wrapstring = kwargs.get("wrapstring") or (rest[3] if len(rest) > 3 else None)
            if wrapstring:
                string_size(size * (len(str(wrapstring)) + 1), "wordwrap()")
        return f(*args, **kwargs)

    return bounded


def _int(v) -> int:
    try:
        return int(v)
    except (TypeError, ValueError, OverflowError):
        return 0


def _check_printf(fmt: str, values, string_size) -> None:
    for m in _PRINTF_WIDTH.finditer(fmt):
        for g in m.groups():
            if g == "*":
                values = values if isinstance(values, tuple) else (values,)
                widest = max((abs(v) for v in values if isinstance(v, int)), default=0)
                string_size(widest, N_("a '%*' width"))
            elif g and g.isdigit():
                string_size(int(g) if len(g) < 12 else 10**12, N_("a '%' width"))


def _check_str_method(s: str, name: str, args, kwargs, string_size) -> None:
    if name in _SIZED_METHODS and args:
        string_size(_int(args[0]), f"str.{name}()")
    elif name == "expandtabs":
        size = _int(args[0] if args else kwargs.get("tabsize", 8))
        string_size(len(s) + s.count("\t") * size, "str.expandtabs()")
    elif name == "replace" and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        hits = s.count(old) if old else len(s) + 1
        string_size(len(s) + hits * len(new), "str.replace()")
    elif name == "join" and args and hasattr(args[0], "__len__"):
        string_size(len(s) * len(args[0]), "str.join()")


# ---- the child process -------------------------------------------------------------------

def run_bounded(fn, jobs: list, *, limits: Limits = LIMITS, what: str = N_("rendering")):
    """Call fn(job) for each job in a forked child under memory, file-size and time limits.

    Returns the list of results. A job's DocgenError is raised here as it was raised there;
    a child past a limit is killed and TemplateError names the limit. The caller removes
    what a killed job may have half-written (render_documents stages into a folder).
    """
    import multiprocessing as mp
    import pickle

    if not jobs:
        return []
    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(method)
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, fn, jobs, limits, os.getpid()),
                        daemon=True)
    child.start()
    send.close()
    results, reason = [], None
    try:
        while len(results) < len(jobs):
            if not receive.poll(limits.seconds):
                reason = _("{what} took longer than {seconds:g} s and was stopped — the "
                           "template loops too much; simplify it").format(
                               what=_(what), seconds=limits.seconds)
                break
            try:
                kind, payload = receive.recv()
            except (EOFError, OSError, pickle.UnpicklingError):
                child.join(5)
                reason = _death(child.exitcode, what, limits)
                break
            if kind == "ok":
                results.append(payload)
            elif kind == "docgen":
                cls, message, details = payload
                raise cls(message, details)
            else:  # a bug in docgen, reported with the child's traceback
                raise RuntimeError(f"{what} failed in the child process: {payload}")
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()
    if reason is not None:
        job = jobs[len(results)]
        raise TemplateError(f"{_name(job)}{reason}")
    return results


def _name(job) -> str:
    template = getattr(job, "template", None)
    return f"{template}: " if template else ""


def _death(code, what: str, limits: Limits) -> str:
    if code is not None and code < 0:
        sig = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
        if -code == signal.SIGXFSZ:
            return _("{what} wrote a file past the size limit and was stopped").format(
                what=_(what))
        if -code == signal.SIGXCPU:
            return _("{what} used its CPU-time limit and was stopped — simplify the template"
                     ).format(what=_(what))
        return _("{what} was killed by {signal} (past the {mb} MB memory limit?) — simplify "
                 "the template").format(what=_(what), signal=sig, mb=limits.memory >> 20)
    return _("{what} stopped without a result (exit {code}) — simplify the template").format(
        what=_(what), code=code)


def _child(send, fn, jobs, limits: Limits, parent: int) -> None:
    import traceback

    try:
        _die_with(parent)
        _limit_self(limits, len(jobs))
        for job in jobs:
            try:
                send.send(("ok", fn(job)))
            except DocgenError as e:
                send.send(("docgen", (type(e), e.message, e.details)))
                return
            except OSError as e:
                if e.errno != errno.EFBIG:
                    raise
                send.send(("docgen", (TemplateError, _name(job) + _(
                    "rendering wrote a file past {size} and was stopped — simplify the "
                    "template").format(size=_mb(limits.max_file_bytes)), [])))
                return
            except MemoryError:
                send.send(("docgen", (TemplateError, _name(job) + _(
                    "rendering needed more than {mb} MB of memory and was stopped — simplify "
                    "the template").format(mb=limits.memory >> 20), [])))
                return
    except BaseException:  # noqa: BLE001 - the parent reports it as a bug
        try:
            send.send(("bug", traceback.format_exc(limit=-8)))
        except Exception:  # noqa: BLE001
            pass
    finally:
        send.close()
        os._exit(0)


def _die_with(parent: int) -> None:
    """A parent killed by SIGKILL cannot kill us: ask Linux to (PR_SET_PDEATHSIG)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the CPU limit below still ends us
        pass
    if os.getppid() != parent:  # it died before the request took effect
        os._exit(1)


def _limit_self(limits: Limits, jobs: int) -> None:
    """Cap this (child) process: address space above what it inherited, file size, and CPU
    time (a backstop for the parent's wall clock, should the parent be gone)."""
    import resource

    cpu = int(limits.seconds * jobs) + 10
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard == resource.RLIM_INFINITY or hard > cpu:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, hard))

    base = 0
    try:
        with open("/proc/self/status") as f:
            m = re.search(r"VmSize:\s+(\d+) kB", f.read())
            base = int(m.group(1)) * 1024 if m else 0
    except OSError:
        pass
    if base:
        want = base + limits.memory
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    # a .docx never nears this; past it the write fails (EFBIG) instead of filling the disk
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    size = limits.max_file_bytes
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    if hard == resource.RLIM_INFINITY or hard > size:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and kills us
    for sig in (signal.SIGTERM, signal.SIGHUP):  # not the parent's handlers (forked copies)
        signal.signal(sig, signal.SIG_DFL)
