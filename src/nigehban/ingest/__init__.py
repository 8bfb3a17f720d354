"""Importers (one streaming mapper per source format), the shared import pipeline, and deduplication."""
