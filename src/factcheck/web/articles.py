"""Article pages: the list, the new-article form, and the annotated article."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse

from factcheck.dependencies import DbSession, SettingsDep
from factcheck.exceptions import FactcheckError, TooLargeError, ValidationError
from factcheck.presenters.article_view import build_page
from factcheck.services.article_view import ArticleViewService
from factcheck.services.articles import ArticleService
from factcheck.services.ingest import IngestService
from factcheck.web.rendering import render

router = APIRouter()


@router.get("/articles")
def list_articles(request: Request, db: DbSession):
    return render(request, "articles/index.html", {"summaries": ArticleService(db).list()})


@router.get("/articles/new")
def new_article(request: Request):
    return render(request, "articles/new.html", {"form": {}, "error": None})


def _parse_date(value: str | None) -> datetime | None:
    if not value or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip()).replace(tzinfo=UTC)
    except ValueError as error:
        raise ValidationError("The publication date must look like 2023-03-20.") from error


@router.post("/articles")
async def create_article(
    request: Request,
    db: DbSession,
    settings: SettingsDep,
    title: Annotated[str, Form(max_length=1000)] = "",
    url: Annotated[str, Form(max_length=2048)] = "",
    published_at: Annotated[str, Form(max_length=40)] = "",
    text: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
):
    form = {"title": title, "url": url, "published_at": published_at, "text": text}
    try:
        raw: str | bytes = text
        source_format = "auto"
        if file is not None and file.filename:
            raw = await file.read(settings.max_upload_bytes + 1)
            if len(raw) > settings.max_upload_bytes:
                raise TooLargeError(
                    f"The file is over the {settings.max_upload_bytes:,}-byte upload limit."
                )
            name = file.filename.lower()
            if not name.endswith((".txt", ".html", ".htm")):
                raise ValidationError("Upload a .txt or .html file.")
            source_format = "html" if name.endswith((".html", ".htm")) else "text"
        elif not text.strip():
            raise ValidationError("Paste the article's text or upload a .txt or .html file.")
        result = IngestService(db, settings=settings).ingest(
            text=raw, title=title, url=url.strip() or None,
            published_at=_parse_date(published_at), source_format=source_format,
            actor=getattr(request.state, "user", None),
        )
    except FactcheckError as error:
        status = 413 if isinstance(error, TooLargeError) else 422
        return render(
            request, "articles/new.html", {"form": form, "error": error.message},
            fragment="articles/_form.html", status_code=status,
        )
    target = f"/articles/{result.article.id}"
    if request.headers.get("HX-Request") == "true":
        return render(request, "articles/_created.html", {"target": target},
                      headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.get("/articles/{article_id}")
def show_article(
    request: Request, article_id: int, db: DbSession, settings: SettingsDep, view: str = "all"
):
    """The annotated article; `?view=published` shows only what readers will see."""
    if view not in ("all", "published"):
        raise ValidationError("The view must be 'all' or 'published'.")
    data = ArticleViewService(db).load(article_id, published_only=view == "published")
    # A history restore asks for the whole page even though it comes from htmx.
    restoring = request.headers.get("HX-History-Restore-Request") == "true"
    return render(
        request,
        "articles/show.html",
        {"page": build_page(data, high_priority=settings.high_priority_threshold)},
        fragment=None if restoring else "articles/_overlay_view.html",
    )
