"""Patron passes (issue 13): short QR codes that name a patron at the door, reissue, and the
printable things built on them (pass cards, sheets of passes, name badges). No Qt here."""
