"""The admin data service: browse, edit and query every table (no Qt here).

The UI in `ui/admin/` calls these functions on the DB worker and shows the plain values they
return.
"""
