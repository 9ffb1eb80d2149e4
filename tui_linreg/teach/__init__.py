"""What the app says about a run beyond its numbers: notes, and (to come) the glossary and the
questions. Pure: it imports neither Textual nor torch, and every sentence goes through ``_()``."""
