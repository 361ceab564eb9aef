"""Small, hand-written name lists for synthetic patrons, grouped by language.

Mostly people get a first and a last name from the same language (as in real membership lists);
a few get a mix. Accents, apostrophes, hyphens and non-Latin-1 letters are there on purpose: the
kiosk's accent-insensitive search and the CSV round trip must cope with them.
"""

from __future__ import annotations

import unicodedata

# fmt: off
LANGUAGES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "english": (
        (
            "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda",
            "William", "Elizabeth", "David", "Susan", "Grace", "Chloe", "Ethan", "Olivia"
        ),
        (
            "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor",
            "Anderson", "Thomas", "Moore", "Clarke", "Walker", "Wright", "Hughes"
        ),
    ),
    "spanish": (
        (
            "José", "María", "Lucía", "Sofía", "Martín", "Andrés", "Álvaro", "Inés", "Jesús",
            "Ángela", "Raúl", "Begoña", "Íñigo", "Nuria", "Óscar", "Pilar"
        ),
        (
            "García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez",
            "Gómez", "Díaz", "Muñoz", "Jiménez", "Álvarez", "Romero", "Núñez", "Peña"
        ),
    ),
    "french": (
        (
            "Émilie", "Hélène", "François", "Céline", "Jérôme", "Zoé", "Loïc", "Gaël", "Chloé",
            "Noël", "Amélie", "Benoît", "Anaïs", "Léa", "Théo", "Maëlle"
        ),
        (
            "Lefèvre", "Lefebvre", "Dubois", "Moreau", "Girard", "Bézier", "Gauthier", "Mercier",
            "Faure", "Rousseau", "Chevalier", "Benoît", "Lemaître", "Brûlé", "Côté", "D'Arcy"
        ),
    ),
    "german": (
        (
            "Jürgen", "Günther", "Jörg", "Käthe", "Björn", "Lena", "Lukas", "Sönke", "Uwe", "Anja",
            "Maximilian", "Hannah", "Ute", "Dörte", "Fritz", "Greta"
        ),
        (
            "Müller", "Schröder", "Weiß", "Groß", "Schäfer", "Köhler", "Krüger", "Böhm", "Schmidt",
            "Fischer", "Wagner", "Hoffmann", "Bäcker", "Lößner", "Vogt", "Jäger"
        ),
    ),
    "portuguese": (
        (
            "João", "Conceição", "Gonçalo", "Inês", "Tomás", "Leonor", "Sebastião", "Luís",
            "Mónica", "Rúben", "Estêvão", "Lúcia", "Simão", "Fátima", "Caio", "Beatriz"
        ),
        (
            "Gonçalves", "Conceição", "Magalhães", "Araújo", "Simões", "Brandão", "Guimarães",
            "Assunção", "Falcão", "Sousa", "Ribeiro", "Lourenço", "Romão", "Patrício", "Loução",
            "Esteves"
        ),
    ),
    "polish": (
        (
            "Łukasz", "Małgorzata", "Paweł", "Agnieszka", "Wojciech", "Zofia", "Michał", "Grażyna",
            "Jędrzej", "Bożena", "Stanisław", "Żaneta", "Krzysztof", "Ewa", "Jolanta", "Mirosław"
        ),
        (
            "Wiśniewski", "Wójcik", "Kowalczyk", "Dąbrowski", "Zieliński", "Szymański", "Woźniak",
            "Kozłowski", "Jabłońska", "Król", "Nowak", "Mazur", "Łuczak", "Sikorska", "Błaszczyk",
            "Pietrzak"
        ),
    ),
    "nordic": (
        (
            "Søren", "Åsa", "Bjørn", "Astrid", "Ingrid", "Øystein", "Sigrún", "Jóhann", "Märta",
            "Leif", "Freyja", "Ólafur", "Kaja", "Tove", "Eirík", "Sæunn"
        ),
        (
            "Sørensen", "Åberg", "Lindqvist", "Jóhannsdóttir", "Østergaard", "Ångström", "Nyström",
            "Haraldsen", "Bjørnstad", "Sigurðsson", "Hägg", "Løvland", "Ekström", "Dahl", "Þórsson",
            "Holmqvist"
        ),
    ),
    "vietnamese": (
        (
            "Nguyễn Thị", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phương", "Thảo", "Đức", "Quỳnh",
            "Tuấn", "Hằng", "Minh", "Ngọc", "Dũng", "Thúy"
        ),
        (
            "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
            "Đỗ", "Hồ", "Ngô", "Dương", "Lý"
        ),
    ),
    "turkish": (
        (
            "Ayşe", "Çağla", "Gül", "Ömer", "Şükrü", "İbrahim", "Özge", "Ümit", "Barış", "Gökhan",
            "Yağmur", "Ebru", "Emre", "Selin", "Oğuz", "Damla"
        ),
        (
            "Yılmaz", "Öztürk", "Çelik", "Şahin", "Doğan", "Kılıç", "Aydın", "Özdemir", "Arslan",
            "Koç", "Kurt", "Güneş", "Erdoğan", "Çakır", "Polat", "Aktaş"
        ),
    ),
    "irish": (
        (
            "Seán", "Siobhán", "Aoife", "Niamh", "Pádraig", "Ciarán", "Órla", "Eóin", "Caoimhe",
            "Dónal", "Saoirse", "Méabh", "Róisín", "Tadhg", "Clíodhna", "Cathal"
        ),
        (
            "O'Brien", "Ó Súilleabháin", "Mac Cárthaigh", "O'Connor", "Ní Bhriain", "Murphy",
            "Kelly", "Byrne", "Ryan", "Walsh", "O'Neill", "Ó Briain", "Doyle", "McCarthy",
            "Gallagher", "Ó Dónaill"
        ),
    ),
    "czech_hungarian": (
        (
            "Jiří", "Růžena", "Tomáš", "Kateřina", "Zdeněk", "Lenka", "Ondřej", "Dagmar", "Zoltán",
            "Erzsébet", "Gábor", "Zsófia", "László", "Réka", "Ádám", "Ildikó"
        ),
        (
            "Dvořák", "Novotný", "Černý", "Procházka", "Kučera", "Veselý", "Horák", "Němec", "Nagy",
            "Kovács", "Szabó", "Tóth", "Horváth", "Varga", "Kiss", "Molnár"
        ),
    ),
    "italian": (
        (
            "Niccolò", "Giulia", "Francesco", "Chiara", "Lorenzo", "Alessia", "Mattia", "Sara",
            "Nicolò", "Federica", "Elia", "Martina", "Jacopo", "Aurora", "Tommaso", "Bianca"
        ),
        (
            "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
            "Marino", "Greco", "Bruno", "Gallo", "De Luca", "D'Angelo", "Mancini", "Costa"
        ),
    ),
}
# fmt: on

LANGUAGE_NAMES = tuple(LANGUAGES)

EMAIL_DOMAINS = (
    "example.com",
    "example.org",
    "example.net",
    "mail.example",
    "post.example",
    "correo.example",
    "courriel.example",
    "posteo.example",
)

# Letters NFKD does not decompose into ASCII + a combining mark.
_SPECIAL_ASCII = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "æ": "ae",
        "Æ": "AE",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
    }
)


def ascii_slug(name: str) -> str:
    """`Ó Súilleabháin` -> `osuilleabhain`: what an email address made from the name looks like."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_SPECIAL_ASCII))
    letters = (c for c in decomposed if c.isascii() and c.isalpha())
    return "".join(letters).lower()
