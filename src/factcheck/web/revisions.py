"""Article revisions: "Update text", the list of revisions, the diff of two, and the orphaned claims."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from factcheck.dependencies import DbSession, SettingsDep
from factcheck.exceptions import FactcheckError, TooLargeError, ValidationError
from factcheck.services.ingest import IngestService
from factcheck.services.revision_history import RevisionHistory
from factcheck.services.workflow import MAX_ID
from factcheck.settings import Settings
from factcheck.web.auth import CurrentChecker
from factcheck.web.errors import status_for
from factcheck.web.rendering import is_htmx, render

router = APIRouter()

ArticleId = Annotated[int, Path(gt=0, le=MAX_ID)]
Number = Annotated[int, Path(gt=0, le=MAX_ID)]


@router.get("/articles/{article_id}/edit")
def edit_text(request: Request, article_id: ArticleId, db: DbSession, user: CurrentChecker):
    article = RevisionHistory(db).article(article_id)
    text = article.current_revision.text if article.current_revision else ""
    return render(request, "revisions/edit.html",
                  {"article": article, "form": {"text": text}, "error": None, "notice": None},
                  fragment="revisions/_form.html")


async def _read_text(settings: Settings, text: str, file: UploadFile | None) -> tuple[str | bytes, str]:
    """The pasted text or the uploaded file, and its format."""
    if file is not None and file.filename:
        raw = await file.read(settings.max_upload_bytes + 1)
        if len(raw) > settings.max_upload_bytes:
            raise TooLargeError(f"The file is over the {settings.max_upload_bytes:,}-byte upload limit.")
        name = file.filename.lower()
        if not name.endswith((".txt", ".html", ".htm")):
            raise ValidationError("Upload a .txt or .html file.")
        return raw, "html" if name.endswith((".html", ".htm")) else "text"
    if not text.strip():
        raise ValidationError("Paste the article's new text or upload a .txt or .html file.")
    return text, "auto"


@router.post("/articles/{article_id}/revisions")
async def update_text(
    request: Request,
    article_id: ArticleId,
    db: DbSession,
    settings: SettingsDep,
    user: CurrentChecker,
    text: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
):
    article = RevisionHistory(db).article(article_id)
    context = {"article": article, "form": {"text": text}, "error": None, "notice": None}
    try:
        raw, source_format = await _read_text(settings, text, file)
        result = IngestService(db, settings=settings).revise(
            article_id, text=raw, source_format=source_format, actor=user)
    except FactcheckError as error:
        context["error"] = error.message
        return render(request, "revisions/edit.html", context, fragment="revisions/_form.html",
                      status_code=status_for(error))
    if result.unchanged:
        context["notice"] = "The text is the same as the current revision: nothing changed."
        return render(request, "revisions/edit.html", context, fragment="revisions/_form.html")
    target = f"/articles/{article_id}/revisions"
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.get("/articles/{article_id}/revisions")
def list_revisions(request: Request, article_id: ArticleId, db: DbSession, user: CurrentChecker):
    history = RevisionHistory(db)
    article, rows = history.revisions(article_id)
    orphans = history.orphans(article_id=article_id)
    return render(request, "revisions/index.html",
                  {"article": article, "rows": rows, "orphans": orphans},
                  fragment="revisions/_list.html")


@router.get("/articles/{article_id}/revisions/{number}/diff")
def show_diff(
    request: Request,
    article_id: ArticleId,
    number: Number,
    db: DbSession,
    user: CurrentChecker,
    against: Annotated[int | None, Query(gt=0, le=MAX_ID)] = None,
    layout: Literal["inline", "side"] = "inline",
):
    diff = RevisionHistory(db).diff(article_id, number, against=against)
    return render(request, "revisions/diff.html", {"diff": diff, "layout": layout},
                  fragment="revisions/_diff.html")


@router.get("/articles/{article_id}/orphans")
def article_orphans(request: Request, article_id: ArticleId, db: DbSession, user: CurrentChecker):
    history = RevisionHistory(db)
    article = history.article(article_id)
    return render(request, "revisions/orphans.html",
                  {"article": article, "orphans": history.orphans(article_id=article_id)},
                  fragment="revisions/_orphan_list.html")


@router.get("/orphans")
def all_orphans(request: Request, db: DbSession, user: CurrentChecker):
    return render(request, "revisions/orphans.html",
                  {"article": None, "orphans": RevisionHistory(db).orphans()},
                  fragment="revisions/_orphan_list.html")
