"""Imported by the render forkserver before it forks any child: WeasyPrint and the system
font list are loaded once, so every render child starts with both (see pdf.warm_fonts)."""

from .pdf import warm_fonts

warm_fonts()
