"""Pass cards: one card on its own page (`pass show --pdf`, *Save PDF…*) or many on sheets of
A4 or Letter paper with cut lines (`pass sheet`), built page by page so a sheet streams."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from app.passes.layout import CutLine, Page, QrBox
from app.passes.store import PatronPassInfo

CARD_WIDTH, CARD_HEIGHT = 85.6, 54.0  # a credit card: fits a wallet and a phone photo
PAPER = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}
COLUMNS, ROWS = 2, 5
PER_PAGE = COLUMNS * ROWS
ORGANISATION = "CredoPass"


def draw_card(page: Page, x: float, y: float, info: PatronPassInfo) -> None:
    """A card at (x, y): the QR on the left, the name and the readable code on the right."""
    qr = CARD_HEIGHT - 6
    page.items.append(QrBox(x + 3, y + 3, qr, info.code))
    left = x + qr + 5
    width = CARD_WIDTH - qr - 8
    page.text(left, y + 6, width, 6, ORGANISATION, 8, align="left")
    page.text(left, y + 15, width, 9, info.patron.first_name, 16, bold=True, align="left")
    page.text(left, y + 24, width, 7, info.patron.last_name, 11, align="left")
    page.text(left, y + 38, width, 6, info.code, 9, bold=True, align="left")
    page.text(left, y + 44, width, 5, "Show this at the door", 6.5, align="left")


def card_page(info: PatronPassInfo) -> Page:
    page = Page(CARD_WIDTH, CARD_HEIGHT)
    draw_card(page, 0, 0, info)
    return page


def sheet_pages(passes: Iterable[PatronPassInfo], paper: str = "A4") -> Iterator[Page]:
    """Pages of ten cards each, centred, with dashed cut lines; lazily, one page at a time."""
    width, height = PAPER[paper]
    left = (width - COLUMNS * CARD_WIDTH) / 2
    top = (height - ROWS * CARD_HEIGHT) / 2
    page = None
    for n, info in enumerate(passes):
        slot = n % PER_PAGE
        if slot == 0:
            if page is not None:
                yield page
            page = Page(width, height)
        x = left + (slot % COLUMNS) * CARD_WIDTH
        y = top + (slot // COLUMNS) * CARD_HEIGHT
        page.items.append(CutLine(x, y, CARD_WIDTH, CARD_HEIGHT))
        draw_card(page, x, y, info)
    if page is not None:
        yield page
