"""From reports to incidents: offline extraction of candidate incidents with evidence."""

from nigehban.extract.candidate import CANDIDATE_FIELDS, Candidate, Document, Evidence, Extraction, FieldValue
from nigehban.extract.documents import ExtractInputError, LoadedDocument, read_documents
from nigehban.extract.extractor import Extractor, ExtractReport, extract_files

__all__ = [
    "CANDIDATE_FIELDS",
    "Candidate",
    "Document",
    "Evidence",
    "ExtractInputError",
    "ExtractReport",
    "Extraction",
    "Extractor",
    "FieldValue",
    "LoadedDocument",
    "extract_files",
    "read_documents",
]
