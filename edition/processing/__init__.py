"""The processing model: which behaviour renders each TEI element (``rules.py``, ``default.toml``)."""

from edition.processing.rules import Behaviour, ProcessingModel, Rule, default_model, processing_model

__all__ = ["Behaviour", "ProcessingModel", "Rule", "default_model", "processing_model"]
