"""Drive one running LibreOffice through UNO: read jobs on stdin, answer on stdout.

Run by the Python that has LibreOffice's `uno` module (Debian: /usr/bin/python3 with
python3-uno), not by docgen's own interpreter; so this file imports only the standard library
and uno; it cannot import docgen, so docgen sends it what it needs (the import filter) with each
job. docgen.convert._soffice starts it next to a `soffice --accept=pipe,...` and owns both.

Protocol, one JSON object per line:
    -> {"in": "/abs/input.docx", "out": "/abs/output.pdf", "filter": "MS Word 2007 XML"}
    <- {"ok": true} | {"ok": false, "error": "LibreOffice's words", "crashed": bool}
The first line written is {"ready": true, "version": "..."} once connected, or
{"ready": false, "error": "..."} if LibreOffice never answered.
"""

import json
import sys
import time

import uno
import unohelper
from com.sun.star.beans import PropertyValue
from com.sun.star.task import XInteractionHandler

class Refuse(unohelper.Base, XInteractionHandler):
    """Answer every question LibreOffice asks while loading (a password, a repair) with no,
    and keep what it asked so the failure can be reported in its words.

    The request itself cannot be read: this pyuno turns the exception it carries into a
    SystemError (and leaves the error pending), so the question is told by the answers offered.
    """

    def __init__(self):
        self.said = []

    def handle(self, request):
        answers = [(repr(c), c) for c in request.getContinuations()]
        names = " ".join(k for k, _ in answers)
        if "XInteractionPassword" in names:
            self.said.append("the document is password-protected: LibreOffice asked for its "
                             "password (remove the password in Word, then convert again)")
        elif "XInteractionApprove" in names and "XInteractionDisapprove" in names:
            self.said.append("LibreOffice: the file is corrupt and therefore cannot be opened "
                             "(it offered to try a repair; docgen declined)")
        elif not self.said:  # an error box; which error, this pyuno cannot say (above)
            self.said.append("LibreOffice: source file could not be loaded (a read error)")
        for wanted in ("XInteractionAbort", "XInteractionDisapprove"):
            for kind, c in answers:
                if wanted in kind:
                    c.select()
                    return


def _props(**kw):
    out = []
    for name, value in kw.items():
        p = PropertyValue()
        p.Name = name
        p.Value = value
        out.append(p)
    return tuple(out)


def _say(obj):
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _connect(pipe, wait):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + wait
    while True:
        try:
            return resolver.resolve(
                "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
        except Exception as e:  # NoConnectException until soffice listens
            if time.monotonic() > deadline:
                raise RuntimeError("LibreOffice did not answer on pipe %s: %s" % (pipe, e))
            time.sleep(0.1)


def _version(ctx):
    try:
        provider = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.configuration.ConfigurationProvider", ctx)
        access = provider.createInstanceWithArguments(
            "com.sun.star.configuration.ConfigurationAccess",
            _props(nodepath="/org.openoffice.Setup/Product"))
        return "%s %s" % (access.ooName, access.ooSetupVersionAboutBox)
    except Exception:
        return ""


def _words(exc):
    """LibreOffice's own message for a failure, with the exception type when it gives none."""
    msg = getattr(exc, "Message", None) or str(exc) or ""
    msg = " ".join(msg.split())
    kind = type(exc).__name__
    if kind == "RuntimeError":  # raised here, already in words
        return msg
    return "%s: %s" % (kind, msg) if msg else kind


def _alive(desktop):
    """Whether the soffice at the other end of the bridge still answers."""
    try:
        desktop.getFrames()
        return True
    except Exception:
        return False


def _no_asian_autospace(doc):
    """No space between Chinese and Latin letters or digits ("建规〔2011〕3号", never "3 号"):
    GB/T 9704 sets them solid. Word's autoSpaceDE/DN off is ignored by LibreOffice's .docx
    import, so it is turned off here, on every paragraph style and on the body's paragraphs."""
    try:
        styles = doc.getStyleFamilies().getByName("ParagraphStyles")
        for name in styles.getElementNames():
            try:
                styles.getByName(name).setPropertyValue("ParaIsCharacterDistance", False)
            except Exception:
                pass
        todo = [doc.getText()]
        tables = doc.getTextTables()
        for i in range(tables.getCount()):
            table = tables.getByIndex(i)
            for cell in table.getCellNames():
                todo.append(table.getCellByName(cell))
        for text in todo:
            paragraphs = text.createEnumeration()
            while paragraphs.hasMoreElements():
                para = paragraphs.nextElement()
                if para.supportsService("com.sun.star.text.Paragraph"):
                    para.setPropertyValue("ParaIsCharacterDistance", False)
    except Exception:  # not a Writer document, or an older API: keep LibreOffice's spacing
        pass


def convert(desktop, src, dst, filter_name):
    """Open `src` with the import filter docgen chose (docgen.vocab.WORD_FILTERS: never
    LibreOffice's type detection, which imports junk as plain text) and export PDF/A-2b."""
    handler = Refuse()
    load = dict(Hidden=True, ReadOnly=True,
                UpdateDocMode=0,  # NO_UPDATE: no links fetched
                MacroExecutionMode=0,  # NEVER_EXECUTE
                InteractionHandler=handler,
                FilterName=filter_name)
    try:
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0,
                                           _props(**load))
    except Exception as e:
        if handler.said:
            raise RuntimeError("; ".join(handler.said)) from e
        raise
    if doc is None:
        raise RuntimeError("; ".join(handler.said) or
                           "LibreOffice: source file could not be loaded")
    try:
        _no_asian_autospace(doc)
        props = doc.getDocumentProperties()
        if not props.Title.strip():  # a user's own file may have none; the PDF needs one
            props.Title = src.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        filter_data = uno.Any("[]com.sun.star.beans.PropertyValue", _props(
            SelectPdfVersion=2,  # PDF/A-2b
            UseTaggedPDF=True,
            EmbedStandardFonts=True,
            ExportFormFields=False,
            ExportBookmarks=True,
        ))
        args = _props(FilterName="writer_pdf_Export", Overwrite=True)
        args = args + (PropertyValue("FilterData", 0, filter_data, 0),)
        uno.invoke(doc, "storeToURL", (uno.systemPathToFileUrl(dst), args))
    finally:
        try:
            doc.close(True)
        except Exception:
            pass


def main():
    pipe, wait = sys.argv[1], float(sys.argv[2])
    try:
        ctx = _connect(pipe, wait)
        desktop = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", ctx)
    except Exception as e:
        _say({"ready": False, "error": _words(e)})
        return 1
    _say({"ready": True, "version": _version(ctx)})
    for line in sys.stdin:
        job = json.loads(line)
        try:
            convert(desktop, job["in"], job["out"], job["filter"])
            _say({"ok": True})
        except Exception as e:
            # A dead bridge means soffice itself went away; the caller restarts it.
            crashed = not _alive(desktop)
            _say({"ok": False, "error": _words(e), "crashed": crashed})
            if crashed:
                return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
