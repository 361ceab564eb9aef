"""The Admin tab: a data studio over every table (browse, edit, query)."""
