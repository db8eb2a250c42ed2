"""The public guide and questions pages (hướng dẫn thủ tục, hỏi đáp), linked from the lookup.

Routes, added to the app of bot/web.py beside the lookup page:

- `GET /thu-tuc`: the award kinds; `GET /thu-tuc/<code>`: one kind's guide (handlers/
  procedure_guide.py's `Guide`, the chat's words, from the catalogue);
- `GET /hoi-dap`: the common questions, and `?q=…` answers a question typed in plain words
  (handlers/faq.py's matching); `GET /hoi-dap/<key>`: one answer.

Read-only GETs: no form token; the same security headers as the lookup page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from bot.web_lookup import page_headers
from config.faq import FaqEntry
from handlers import faq
from handlers.procedure_guide import guide_for
from handlers.services import Services
from handlers.texts import citizen as tg
from handlers.texts import web as t

#: A question is a sentence; anything longer is cut before matching.
MAX_QUESTION_CHARS = 300

_templates = Environment(
    loader=PackageLoader("bot", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


class GuidePage:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.base = urlsplit(services.settings.public_url or "").path.rstrip("/")

    def routes(self) -> list[Route]:
        return [
            Route("/thu-tuc", self.kinds, methods=["GET"]),
            Route("/thu-tuc/{code}", self.kind, methods=["GET"]),
            Route("/hoi-dap", self.questions, methods=["GET"]),
            Route("/hoi-dap/{key}", self.question, methods=["GET"]),
        ]

    async def kinds(self, _request: Request) -> Response:
        return self._render("guide.html", guide=None, message=None)

    async def kind(self, request: Request) -> Response:
        kind = self.services.catalog.get(request.path_params["code"][:20])
        if kind is None:
            return self._render(
                "guide.html", guide=None, message=tg.PAGE_KIND_NOT_FOUND, status=404
            )
        return self._render("guide.html", guide=guide_for(kind, self.services.settings))

    async def questions(self, request: Request) -> Response:
        question = " ".join(request.query_params.get("q", "").split())[:MAX_QUESTION_CHARS]
        entry = faq.match(faq.faq_of(self.services), question) if question else None
        return self._answer(entry, question)

    async def question(self, request: Request) -> Response:
        entry = faq.faq_of(self.services).get(request.path_params["key"])
        if entry is None:
            return self._answer(None, "", status=404)
        return self._answer(entry, "")

    def _answer(self, entry: FaqEntry | None, question: str, status: int = 200) -> Response:
        services = self.services
        return self._render(
            "faq.html",
            status=status,
            question=question,
            entry=entry,
            answer=faq.fill(entry.answer, services).strip() if entry else "",
            next_step=faq.fill(entry.next_step, services).strip() if entry else "",
            desk=faq.desk_lines(services.settings),
        )

    def _render(self, template: str, *, status: int = 200, **context: Any) -> Response:
        html = _templates.get_template(template).render(
            t=t,
            tg=tg,
            base=self.base,
            card=None,
            kinds=self.services.catalog.kinds,
            entries=faq.faq_of(self.services).entries,
            **context,
        )
        return HTMLResponse(html, status_code=status, headers=page_headers())


def guide_routes(services: Services) -> list[Route]:
    return GuidePage(services).routes()
