"""API pagination of the national register lists (children, families) by key: `next`/`previous` carry
the boundary row's sort values (`after`/`before`, core.keyset), a deep page costs like the first and no
request counts the table. Small lists keep the numbered pages of vyzov.api.pagination."""

from typing import Any

from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from vyzov.core.keyset import KeysetPage, keyset_page


class KeysetPagination(BasePagination):
    """`?after=<cursor>` / `?before=<cursor>` and `page_size` (≤ 500); the answer is
    `{"next": url|null, "previous": url|null, "results": [...]}` without a count. The view gives the
    order as `keyset_order()` (it ends with `id`)."""

    page_size = 50
    max_page_size = 500
    page: KeysetPage

    def _page_size(self, request) -> int:
        try:
            size = int(request.query_params.get("page_size", self.page_size))
        except (TypeError, ValueError):
            return self.page_size
        return min(size, self.max_page_size) if size > 0 else self.page_size

    def paginate_queryset(self, queryset, request, view=None) -> list[Any]:
        order = view.keyset_order() if view is not None and hasattr(view, "keyset_order") else ("id",)
        self.request = request
        self.page = keyset_page(
            queryset,
            order=order,
            after=request.query_params.get("after"),
            before=request.query_params.get("before"),
            per_page=self._page_size(request),
        )
        return self.page.rows

    def _link(self, cursor: str | None, param: str, other: str) -> str | None:
        if not cursor:
            return None
        url = remove_query_param(remove_query_param(self.request.build_absolute_uri(), other), "page")
        return replace_query_param(url, param, cursor)

    def get_next_link(self) -> str | None:
        return self._link(self.page.next_cursor, "after", "before")

    def get_previous_link(self) -> str | None:
        return self._link(self.page.prev_cursor, "before", "after")

    def get_paginated_response(self, data) -> Response:
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict[str, Any]]:
        def param(name: str, description: str, kind: str) -> dict[str, Any]:
            return {
                "name": name,
                "required": False,
                "in": "query",
                "description": description,
                "schema": {"type": kind},
            }

        return [
            param("after", "Страница после этой записи (значение из ссылки next).", "string"),
            param("before", "Страница перед этой записью (значение из ссылки previous).", "string"),
            param("page_size", "Записей на странице (до 500).", "integer"),
        ]
