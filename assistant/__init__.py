"""Danish chat assistant that answers questions about one article, with checkable citations."""

__version__ = "0.1.0"
