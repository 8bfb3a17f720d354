"""The incident store: tables, migrations, queries and the change log."""
