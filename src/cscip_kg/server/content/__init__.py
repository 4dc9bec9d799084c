"""What each page says: the queries behind entity pages (one kind per class), browse
tables with their facets, named-query pages and parameter pickers. Each module builds
plain data from the opened build; ``routes`` serves it and ``rendering`` draws it.
"""
