"""copydesk: a terminal reader for articles saved from the web.

The package is split in two:

- ``tui.core``: the pure core (decoding, cleaning, storage, library, search,
  marks). It never imports Textual and is tested directly.
- ``tui.ui``: the Textual application, which talks to the core through a
  small surface.
"""

__version__ = "0.1.0"
