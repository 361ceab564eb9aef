"""The search results list: a thin list model over plain, already-masked patron cards."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from app.checkin.queries import PatronCard

PatronIdRole = Qt.ItemDataRole.UserRole + 1
TierRole = Qt.ItemDataRole.UserRole + 2

TIER_BADGES = {
    "bronze": "◆ Bronze",
    "silver": "◆ Silver",
    "gold": "★ Gold",
    "platinum": "★ Platinum",
}


def card_text(card: PatronCard) -> str:
    """ "Jane S. · j***@example.com · •••• 7890 · ★ Gold" """
    parts = [card.name, card.email, card.phone or "", TIER_BADGES.get(card.tier, card.tier)]
    return "   ·   ".join(part for part in parts if part)


class PatronResultsModel(QAbstractListModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._cards: list[PatronCard] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._cards)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if not index.isValid() or index.column() != 0 or not 0 <= index.row() < len(self._cards):
            return None
        card = self._cards[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return card_text(card)
        if role == PatronIdRole:
            return str(card.id)
        if role == TierRole:
            return card.tier
        return None

    def set_cards(self, cards: list[PatronCard]) -> None:
        self.beginResetModel()
        self._cards = list(cards)
        self.endResetModel()

    def clear(self) -> None:
        if self._cards:
            self.set_cards([])

    def card_at(self, row: int) -> PatronCard | None:
        return self._cards[row] if 0 <= row < len(self._cards) else None

    @property
    def cards(self) -> list[PatronCard]:
        return list(self._cards)
