"""edition: TEI P5 articles into a critical edition (PDF, HTML, bibliography)."""

__version__ = "0.1.0"
