"""The door: check-in, check-out, registration, undo and walk-in, and what they share (no Qt).

    actions        check_in, check_out, register, undo_check_in (the door rules)
    walk_in        walk_in: a person with no pass is registered and checked in
    door           what every door action shares: event lock, admission rule, audit + result
    identify       a scan code or an email -> a patron
    outcomes       the values a door action returns (Outcome, CheckInResult, ...)
    queries        read-only queries the check-in screen needs (events offered, headcount)
    event_lookup   the event a command or a screen means (by UUID or by name)
    validation     checking what a person typed (names, email, phone)

Import the module you need (`from app.checkin.actions import check_in`): this package
re-exports nothing, so that a leaf such as `outcomes` can be imported without the whole door.
"""
