"""Which column of a member list holds what, and which program wrote the list.

Exports name their columns in their own words: Planning Center "Mobile Phone Number", Google
"E-mail 1 - Value", Outlook "E-mail 2 Address", an iCloud converter "TelCellHome", a German
office "Mobil". A header is split into words (camel case, accents and punctuation undone), the
filler words ("value", "address", "number", digits) dropped, and what is left says the field
and, for emails and phones, a label (home, work, mobile, household, other). The layout name is
only for the report ("a Planning Center People export"): the mapping never depends on it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Patron fields a column can be mapped to. `name` is a full name to split; `status` is read only
# to flag refunded or cancelled attendees.
FIELDS = ("firstName", "lastName", "name", "email", "phone", "status")
FIELD_LABELS = {
    "firstName": "first name",
    "lastName": "last name",
    "name": "full name",
    "email": "email",
    "phone": "phone",
    "status": "status",
    "": "ignored",
}
# Phone preference: the number a person carries first.
PHONE_ORDER = {"mobile": 0, "home": 1, "other": 2, "household": 3, "work": 4}

_FIRST = {
    "firstname": 0, "first": 0, "forename": 0, "fname": 0, "christianname": 0, "prenom": 0,
    "vorname": 0, "nombre": 0, "voornaam": 0, "nome": 0, "primernombre": 0,
    # Planning Center's "Given Name" is the legal name, usually empty: "First Name" wins.
    "givenname": 1, "givennames": 1, "given": 1,
}  # fmt: skip
_LAST = {
    "lastname", "last", "surname", "familyname", "family", "lname", "nom", "nomdefamille",
    "nachname", "familienname", "zuname", "apellido", "apellidos", "achternaam", "cognome",
    "primerapellido",
}  # fmt: skip
_FULL = {
    "name", "fullname", "displayname", "contactname", "nomcomplet", "vollstandigername",
    "nombrecompleto", "membername", "lastnamefirstname", "firstnamelastname", "lastfirst",
    "firstlast", "namevorname", "nomprenom",
}  # fmt: skip
_STATUS = {"status", "attendeestatus", "orderstatus", "ticketstatus", "paymentstatus"}
_EMAIL_WORDS = {"email", "mail", "courriel", "correo", "emailaddress", "emailadresse", "mel"}
_PHONE_WORDS = {
    "phone", "telephone", "tel", "telefon", "telefono", "telefone", "phonenumber",
    "telefonnummer", "telefonnr", "tfno", "fon",
}  # fmt: skip
_LABEL_WORDS = {
    "mobile": {
        "mobile", "cell", "cellular", "handy", "mobil", "portable", "movil", "celular",
        "cellulaire", "gsm", "cellphone", "mobilephone", "iphone", "natel",
    },
    "home": {"home", "privat", "private", "domicile", "maison", "casa", "personal", "personnel",
             "personnelle", "particulier", "fixe", "festnetz"},
    "work": {"work", "business", "office", "buro", "bureau", "travail", "trabajo", "oficina",
             "geschaftlich", "dienstlich", "professionnel", "professionnelle", "pro", "job"},
    "household": {"parent", "parents", "guardian", "spouse", "father", "mother", "eltern",
                  "household", "famille"},
}  # fmt: skip
_FILLER = {
    "value", "address", "addresses", "adresse", "direccion", "number", "numero", "nummer", "nr",
    "no", "de", "du", "la", "le", "del", "des", "electronique", "electronico", "of", "the",
    "1", "2", "3", "4", "5",
}  # fmt: skip
# Columns that look like an email or phone but are not the person's own way to be reached.
_NOT_PERSONAL = {
    "fax", "pager", "assistant", "assistants", "company", "emergency", "callback", "car",
    "radio", "telex", "tty", "ttytdd", "isdn", "phonetic", "yomi", "type", "label", "kind",
    "optin", "opt", "consent", "verified", "status", "domain", "display",
}  # fmt: skip
_IGNORED_NAMES = {"middle", "additional", "nickname", "nick", "maiden", "phonetic", "yomi"}


@dataclass(frozen=True)
class ColumnRole:
    """What a column holds: a field ("" = ignored), the label of an email/phone, and a rank
    among columns of the same field (lower first)."""

    field: str
    label: str = ""
    rank: int = 0


IGNORED = ColumnRole("")


def header_words(header: str) -> list[str]:
    """'E-mail 2 Address' -> ['email', '2', 'address']; 'TelCellHome' -> ['tel', 'cell',
    'home']; 'Téléphone portable' -> ['telephone', 'portable']."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", header or "")
    decomposed = unicodedata.normalize("NFKD", spaced)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    words = re.findall(r"[a-z]+|[0-9]+", plain)
    merged: list[str] = []
    for word in words:  # "e-mail" and "e mail" are one word
        if merged and merged[-1] == "e" and word in ("mail", "mails"):
            merged[-1] = "email"
        else:
            merged.append(word)
    return merged


def role_of(header: str) -> ColumnRole:
    words = header_words(header)
    joined = "".join(words)
    if joined in _FIRST:
        return ColumnRole("firstName", rank=_FIRST[joined])
    if joined in _LAST:
        return ColumnRole("lastName")
    if joined in _FULL:
        return ColumnRole("name")
    if joined in _STATUS:
        return ColumnRole("status")
    meaningful = [w for w in words if w not in _FILLER]
    kinds = set(meaningful)
    if kinds & _NOT_PERSONAL or kinds & _IGNORED_NAMES:
        return IGNORED
    label = next((name for name, ws in _LABEL_WORDS.items() if kinds & ws), "other")
    core = kinds - set().union(*_LABEL_WORDS.values())
    if core & _EMAIL_WORDS or "".join(meaningful) in _EMAIL_WORDS:
        return ColumnRole("email", "other" if label == "mobile" else label)
    if core & _PHONE_WORDS or (not core and label in ("mobile", "home", "work")):
        # "Mobile", "Handy", "Mobil": a label alone is a phone column.
        return ColumnRole("phone", label, PHONE_ORDER[label])
    return IGNORED


def label_column_for(header: str, headers: tuple[str, ...]) -> str | None:
    """Google's "Phone 1 - Value" has its label in "Phone 1 - Label" (old layout: "- Type"):
    the header of that column, if the file has it."""
    match = re.fullmatch(r"(.*?)\s*-?\s*value\s*", header, flags=re.IGNORECASE)
    if not match:
        return None
    stem = match.group(1).strip()
    for suffix in ("Label", "Type"):
        for candidate in (f"{stem} - {suffix}", f"{stem} {suffix}"):
            for h in headers:
                if h.lower() == candidate.lower():
                    return h
    return None


def label_from_cell(text: str) -> str:
    """A Google "Label"/"Type" cell ("* Mobile", "Home", "Work") as one of LABELS."""
    words = set(header_words(text))
    return next((name for name, ws in _LABEL_WORDS.items() if words & ws), "other")


_SIGNATURES = (
    ("a Planning Center People export", ({"personid", "givenname"}, {"mobilephonenumber"})),
    ("a Breeze export", ({"breezeid"},)),
    ("a Church Community Builder export", ({"individualid"}, {"familyposition"})),
    ("a Google Contacts export (current layout)", ({"email1label"}, {"phone1label"})),
    ("a Google Contacts export (old layout)", ({"email1type"}, {"phone1type"})),
    ("an iCloud contacts list (vCard converted)", ({"givennames"}, {"emailpref"})),
    ("a Mailchimp audience export", ({"memberrating"}, {"optintime"}, {"leid"}, {"euid"})),
    ("an Eventbrite attendee list", ({"attendeestatus"}, {"order", "tickettype"})),
    ("an Outlook contacts export", ({"email2address"}, {"businessphone"})),
    ("a Windows address book", ({"name", "emailaddress"},)),
)
_LANGUAGES = (
    ("German", {"vorname", "nachname", "mobil", "handy", "telefon", "emailadresse", "zuname"}),
    ("French", {"prenom", "nom", "courriel", "telephoneportable", "telephone"}),
    ("Spanish", {"nombre", "apellido", "apellidos", "correoelectronico", "telefonomovil"}),
)


def recognize(headers: tuple[str, ...], mapping: dict[str, str]) -> str:
    """The report's name for the layout: a known program's export, else the language of the
    column names, else what the columns hold."""
    joined = {"".join(header_words(h)) for h in headers}
    # Eventbrite writes "Order #": its words are just "order".
    for name, alternatives in _SIGNATURES:
        if any(signature <= joined for signature in alternatives):
            if name == "a Windows address book" and len(headers) > 4:
                continue
            return name
    for language, words in _LANGUAGES:
        if len(joined & words) >= 2:
            return f"a spreadsheet with {language} column names"
    if "email" not in mapping.values():
        return "a member list without an email column"
    return "a member list"
