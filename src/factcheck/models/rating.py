"""The newsroom's verdict scale: data, editable by admins, with a default scale."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from factcheck.models.base import Base, TimestampMixin


class Rating(TimestampMixin, Base):
    __tablename__ = "rating"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)  # stable slug, e.g. "mostly-false"
    label: Mapped[str] = mapped_column(String(100))
    value: Mapped[int]  # ClaimReview ratingValue
    colour: Mapped[str] = mapped_column(String(7))  # "#rrggbb"
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)


DEFAULT_SCALE: list[dict] = [
    {"name": "true", "label": "True", "value": 7, "colour": "#1a7f37",
     "description": "The claim is accurate and nothing significant is missing."},
    {"name": "mostly-true", "label": "Mostly true", "value": 6, "colour": "#4c9a2a",
     "description": "The claim is accurate but needs clarification or additional information."},
    {"name": "half-true", "label": "Half true", "value": 5, "colour": "#b08800",
     "description": "The claim is partially accurate but leaves out important details."},
    {"name": "mostly-false", "label": "Mostly false", "value": 4, "colour": "#d4661c",
     "description": "The claim contains an element of truth but ignores critical facts."},
    {"name": "false", "label": "False", "value": 3, "colour": "#cf222e",
     "description": "The claim is not accurate."},
    {"name": "misleading", "label": "Misleading", "value": 2, "colour": "#8250df",
     "description": "Accurate facts presented in a way that leads to a false conclusion."},
    {"name": "unverifiable", "label": "Unverifiable", "value": 1, "colour": "#6e7781",
     "description": "The evidence available does not allow a conclusion."},
]
