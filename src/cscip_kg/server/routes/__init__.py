"""The site's surfaces, one Flask blueprint per module: what URL answers what.

A route reads the request, asks ``content`` (what a page says) or the core for the
answer, and hands it to ``rendering`` with the format picked last (HTML, JSON, CSV,
RDF). Add a page here: a blueprint function, registered in ``server/__init__.py``.
"""
