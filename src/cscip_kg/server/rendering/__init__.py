"""How answers are shown: HTML views and tables for people, SVG diagrams and maps,
JSON-LD, result formats. Nothing here runs a query of its own choosing: each module
turns an answer it is given (rows, a Lineage, a Spread) into text. Add an export
format in ``formats.py``.
"""
